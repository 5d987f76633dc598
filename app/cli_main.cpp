// quanttune-cli: the headless driver of the engine.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "util/host_out_of_memory.h"

namespace {

void print_usage(FILE* out) {
    std::fprintf(out, "usage: quanttune-cli COMMAND [ARGS]\n\ncommands:\n");
    int width = 0;
    for (const auto& c : qt::cli::commands()) width = std::max(width, static_cast<int>(std::strlen(c.spec->name)));
    for (const auto& c : qt::cli::commands()) std::fprintf(out, "  %-*s   %s\n", width, c.spec->name, c.spec->summary);
    std::fprintf(out, "\nquanttune-cli COMMAND --help lists a command's options.\n");
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
    // Past a file-size limit (ulimit -f) a write fails with EFBIG, reported like a full
    // disk, instead of the signal killing the process mid-file.
    std::signal(SIGXFSZ, SIG_IGN);
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        print_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const std::string name = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    for (const auto& c : qt::cli::commands()) {
        if (name != c.spec->name) continue;
        try {
            // Help comes before any other check, so that it works on an incomplete line.
            const qt::cli::Args parsed(args, *c.spec);
            if (parsed.help_requested()) {
                std::fputs(qt::cli::help_text(*c.spec).c_str(), stdout);
                return 0;
            }
            return c.run(parsed);
        } catch (const qt::cli::UsageError& e) {
            print_error(std::string(e.what()) + " (see quanttune-cli " + name + " --help)");
            return 2;
        } catch (const std::exception& e) {
            print_error(qt::error_message(e));
            return 1;
        }
    }
    print_error("unknown command \"" + name + "\" (see quanttune-cli --help)");
    return 2;
}
