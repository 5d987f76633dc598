// quanttune-cli: the headless driver of the engine.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "cli/cli_args.h"
#include "cli/commands.h"

namespace {

void print_usage(FILE* out) {
    std::fprintf(out, "usage: quanttune-cli COMMAND [ARGS]\n\ncommands:\n");
    for (const auto& c : qt::cli::commands()) std::fprintf(out, "  %-9s %s\n", c.name, c.summary);
}

// One line on stderr for any failure, so that scripts and tests can read it.
void print_error(const std::string& what) {
    std::string line = what;
    for (char& ch : line)
        if (ch == '\n' || ch == '\r') ch = ' ';
    std::fprintf(stderr, "error: %s\n", line.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        print_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const std::string name = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    for (const auto& c : qt::cli::commands()) {
        if (name != c.name) continue;
        try {
            return c.run(args);
        } catch (const qt::cli::UsageError& e) {
            print_error(std::string(e.what()) + " (see quanttune-cli --help)");
            return 2;
        } catch (const std::bad_alloc&) {
            print_error("out of memory");
            return 1;
        } catch (const std::exception& e) {
            print_error(e.what());
            return 1;
        }
    }
    print_error("unknown command \"" + name + "\" (see quanttune-cli --help)");
    return 2;
}
