#include "cli/commands.h"

namespace qt::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> list = {
        {"info", "MODEL: architecture, parameters, tensor types, bytes by kind", run_info},
        {"generate", "MODEL --prompt TEXT [--chat] [--max-tokens N] [--temperature T] [--top-k K] [--top-p P] "
                     "[--seed S] [--threads N] [--ignore-eos] [--quiet]: generate text and print tokens/s",
         run_generate},
    };
    return list;
}

}  // namespace qt::cli
