#pragma once
// The CLI's subcommands. main() reads the arguments against a command's option
// table (and answers --help from it); run then returns the process exit status.
// Errors are thrown and reported by main() as one line.
#include <vector>

#include "cli/cli_args.h"

namespace qt::cli {

struct Command {
    const CommandSpec* spec;  // name, usage, summary and options
    int (*run)(const Args& args);
};

// Each command's option table lives in its cmd_*.cpp, next to the code that reads it.
const CommandSpec& info_spec();
const CommandSpec& generate_spec();
const CommandSpec& train_spec();
const CommandSpec& eval_spec();
const CommandSpec& bench_step_spec();
const CommandSpec& bench_qlora_spec();
const CommandSpec& bench_qgalore_spec();
const CommandSpec& random_model_spec();
const CommandSpec& sensitivity_spec();
const CommandSpec& convert_spec();
const CommandSpec& export_hf_spec();
const CommandSpec& pretrain_image_spec();
const CommandSpec& generate_image_spec();
const CommandSpec& score_images_spec();

int run_info(const Args& args);
int run_generate(const Args& args);
int run_train(const Args& args);
int run_eval(const Args& args);
int run_bench_step(const Args& args);
int run_bench_qlora(const Args& args);
int run_bench_qgalore(const Args& args);
int run_random_model(const Args& args);
int run_sensitivity(const Args& args);
int run_convert(const Args& args);
int run_export_hf(const Args& args);
int run_pretrain_image(const Args& args);
int run_generate_image(const Args& args);
int run_score_images(const Args& args);

// All subcommands, in the order `quanttune-cli --help` lists them.
const std::vector<Command>& commands();

}  // namespace qt::cli
