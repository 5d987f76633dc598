#include "test_support.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace qt::test {
namespace {

bool exists(const std::string& p) {
    struct stat st {};
    return !p.empty() && stat(p.c_str(), &st) == 0;
}

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

std::string cache_dir() {
    std::string base = env("XDG_CACHE_HOME");
    if (base.empty()) base = env("HOME") + "/.cache";
    return base + "/quanttune";
}

std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        if (c == '\'') q += "'\\''";
        else q += c;
    }
    return q + "'";
}

}  // namespace

std::string default_model_path() {
    std::string p = env("QUANTTUNE_MODEL");
    if (p.empty()) {
        std::string dir = env("QUANTTUNE_MODEL_DIR");
        if (dir.empty()) dir = cache_dir() + "/models";
        p = dir + "/SmolLM2-135M-Instruct.Q4_1.gguf";
    }
    return exists(p) ? p : "";
}

std::string default_data_path(const std::string& name) {
    std::string dir = env("QUANTTUNE_DATA_DIR");
    if (dir.empty()) dir = cache_dir() + "/data";
    const std::string p = dir + "/" + name;
    return exists(p) ? p : "";
}

std::string oracle_python() {
    std::string p = env("QUANTTUNE_PYTHON");
    if (p.empty()) p = cache_dir() + "/venv/bin/python";
    return exists(p) ? p : "";
}

bool oracles_required() { return env("QUANTTUNE_REQUIRE_ORACLES") == "1"; }

std::string source_dir() { return QT_TEST_SOURCE_DIR; }

int run_command(const std::string& command, std::string& output) {
    output.clear();
    FILE* pipe = popen(("{ " + command + " ; } 2>&1").c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run: " + command);
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) output.append(buf.data(), n);
    const int status = pclose(pipe);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::string run_oracle(const std::string& script, const std::vector<std::string>& args) {
    std::string cmd = shell_quote(oracle_python()) + " " + shell_quote(source_dir() + "/tests/oracle/" + script);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    const std::string err_file = make_temp_dir("oracle") + "/stderr.txt";
    cmd += " 2>" + shell_quote(err_file);
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run: " + cmd);
    std::string out;
    std::array<char, 65536> buf{};
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    const int status = pclose(pipe);
    if (status != 0) {
        std::string err;
        if (FILE* f = fopen(err_file.c_str(), "r")) {
            while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) err.append(buf.data(), n);
            fclose(f);
        }
        throw std::runtime_error("oracle " + script + " failed: " + err);
    }
    return out;
}

std::string make_temp_dir(const std::string& tag) {
    std::string tmpl = (std::filesystem::temp_directory_path() / ("quanttune-" + tag + "-XXXXXX")).string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    return tmpl;
}

TempDir::TempDir(const std::string& tag) : path(make_temp_dir(tag)) {}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
}

std::vector<uint8_t> read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> lines;
    for (size_t pos = 0; pos < s.size();) {
        const size_t end = std::min(s.find('\n', pos), s.size());
        lines.push_back(s.substr(pos, end - pos));
        pos = end + 1;
    }
    return lines;
}

}  // namespace qt::test
