#include "cli/commands.h"

namespace qt::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> list = {
        {"info", "MODEL: architecture, parameters, tensor types, bytes by kind", run_info},
        {"generate", "MODEL --prompt TEXT [--chat] [--max-tokens N] [--temperature T] [--top-k K] [--top-p P] "
                     "[--seed S] [--threads N] [--ignore-eos] [--quiet]: generate text and print tokens/s",
         run_generate},
        {"train", "--method qzo|mezo --model M --data D [--config FILE] [--steps N] [--lr LR] [--eps E] [--clip C] "
                  "[--batch-size B] [--seed S] [--eval-every N] [--out DIR] [--resume CKPT] ...: fine-tune (zeroth order)",
         run_train},
        {"eval", "--model M --data D [--scales CKPT] [--max-examples N]: validation loss and label accuracy", run_eval},
    };
    return list;
}

}  // namespace qt::cli
