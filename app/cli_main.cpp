// quanttune-cli: the headless driver of the engine.
#include <cstdio>
#include <exception>
#include <string>

#include "gguf/gguf_file.h"

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: quanttune-cli info MODEL\n");
        return 2;
    }
    try {
        auto f = qt::GgufFile::open(argv[2]);
        std::printf("tensors: %zu\n", f->tensors().size());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
