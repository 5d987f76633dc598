#pragma once
// The CLI's subcommands. Each returns the process exit status; errors are thrown
// and reported by main() as one line.
#include <string>
#include <vector>

namespace qt::cli {

struct Command {
    const char* name;
    const char* summary;
    int (*run)(const std::vector<std::string>& args);
};

int run_info(const std::vector<std::string>& args);
int run_generate(const std::vector<std::string>& args);
int run_train(const std::vector<std::string>& args);
int run_eval(const std::vector<std::string>& args);
int run_bench_step(const std::vector<std::string>& args);
int run_random_model(const std::vector<std::string>& args);

// All subcommands, in the order `quanttune-cli --help` lists them.
const std::vector<Command>& commands();

}  // namespace qt::cli
