#include "cli/commands.h"

namespace qt::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> list = {
        {"info", "MODEL: architecture, parameters, tensor types, bytes by kind", run_info},
        {"generate", "MODEL --prompt TEXT [--chat] [--max-tokens N] [--temperature T] [--top-k K] [--top-p P] "
                     "[--seed S] [--threads N] [--device auto|cpu|cuda:N] [--ignore-eos] [--quiet]: generate text and print tokens/s",
         run_generate},
        {"train", "--method qzo|mezo --model M --data D [--config FILE] [--steps N] [--lr LR] [--eps E] [--clip C] "
                  "[--batch-size B] [--seed S] [--eval-every N] [--out DIR] [--resume CKPT] [--device auto|cpu|cuda:N] ...: fine-tune (zeroth order)",
         run_train},
        {"eval", "--model M --data D [--scales CKPT] [--max-examples N]: validation loss and label accuracy", run_eval},
        {"bench-step", "--shape smollm2-135m|tinyllama-1.1b|llama2-7b [--device D] [--batch B] [--seq T] [--steps N]: "
                       "time a QZO step on a random Q4_0 model of that shape",
         run_bench_step},
        {"random-model", "--out FILE [--layers N] [--dim D] [--ffn F] [--heads H] [--kv-heads K] [--vocab V] [--type T]: "
                         "write a model of that shape with random weights and a small byte-level tokenizer",
         run_random_model},
    };
    return list;
}

}  // namespace qt::cli
