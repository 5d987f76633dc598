#pragma once
// Shared helpers for the engine tests: where the default model and the Python
// oracles are, and how to run an oracle script.
#include <cstdint>
#include <string>
#include <vector>

namespace qt::test {

// Path of the default model (QUANTTUNE_MODEL, else $XDG_CACHE_HOME/quanttune/models/...).
// Empty when the file does not exist.
std::string default_model_path();

// Path of a dataset scripts/setup.sh prepared ($XDG_CACHE_HOME/quanttune/data/<name>,
// or QUANTTUNE_DATA_DIR/<name>). Empty when the file does not exist.
std::string default_data_path(const std::string& name);

// Python interpreter with the oracle packages (QUANTTUNE_PYTHON, else the setup
// script's venv). Empty when none is found.
std::string oracle_python();

// True when QUANTTUNE_REQUIRE_ORACLES=1: CI sets it so that a missing model or
// oracle fails the test instead of skipping it.
bool oracles_required();

// Runs `python tests/oracle/<script> args...`, returning its stdout; throws with
// stderr on a non-zero exit.
std::string run_oracle(const std::string& script, const std::vector<std::string>& args);

// Runs a shell command, capturing stdout+stderr; returns the exit status.
int run_command(const std::string& command, std::string& output);

std::string source_dir();
std::string make_temp_dir(const std::string& tag);

// A fresh temporary directory, removed with everything in it when the test ends.
struct TempDir {
    explicit TempDir(const std::string& tag);
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string path;
};

// The whole file; throws naming the path when it cannot be opened.
std::vector<uint8_t> read_bytes(const std::string& path);

// The lines of a program's output, without their newlines.
std::vector<std::string> lines_of(const std::string& s);

}  // namespace qt::test

// Skips (printing why) or fails, as oracles_required() says, when the default
// model or the oracle interpreter is missing.
#define QT_REQUIRE_MODEL_AND_ORACLE(model_var)                                                            \
    const std::string model_var = ::qt::test::default_model_path();                                       \
    if (model_var.empty() || ::qt::test::oracle_python().empty()) {                                        \
        if (::qt::test::oracles_required())                                                                \
            FAIL() << "default model or oracle python missing; run scripts/setup.sh";                     \
        GTEST_SKIP() << "default model or oracle python missing (run scripts/setup.sh); skipping";         \
    }
