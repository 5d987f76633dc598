#include "cli/commands.h"

namespace qt::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> list = {
        {&info_spec(), run_info},
        {&generate_spec(), run_generate},
        {&sensitivity_spec(), run_sensitivity},
        {&train_spec(), run_train},
        {&eval_spec(), run_eval},
        {&bench_step_spec(), run_bench_step},
        {&bench_qlora_spec(), run_bench_qlora},
        {&bench_qgalore_spec(), run_bench_qgalore},
        {&random_model_spec(), run_random_model},
        {&convert_spec(), run_convert},
        {&export_hf_spec(), run_export_hf},
        {&pretrain_image_spec(), run_pretrain_image},
        {&generate_image_spec(), run_generate_image},
        {&score_images_spec(), run_score_images},
    };
    return list;
}

}  // namespace qt::cli
