// libFuzzer target for the files a training run reads back: the training config
// (JSON, engine/train/train_config.h), the checkpoint (engine/train/checkpoint.h)
// and the metrics log a resumed run trims (engine/train/metrics_log.h). Each input
// is tried as all three. Clean refusals: std::invalid_argument from from_json and
// validate, std::runtime_error from load_train_config and the checkpoint readers,
// each naming the problem on one line. Anything else (another exception, a crash,
// a sanitizer report, a multi-line message, an accepted config that does not
// round-trip, a trimmed log that kept a bad line) is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_input_file.h"
#include "train/checkpoint.h"
#include "train/metrics_log.h"
#include "train/train_config.h"

namespace {

using qt::fuzz::require_one_line;

// The input as a config object: from_json, then validate; an accepted config
// holds every value it was given (no silent wrap of a number that does not fit).
void parse_config(const uint8_t* data, size_t size) {
    const nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return;
    qt::TrainConfig c;
    try {
        from_json(j, c);
    } catch (const std::invalid_argument& e) {
        require_one_line(e.what(), "from_json");
        return;
    }
    nlohmann::json written;
    to_json(written, c);
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (written.at(it.key()) != it.value()) {
            std::fprintf(stderr, "config key \"%s\": given %s, kept %s\n", it.key().c_str(), it.value().dump().c_str(),
                         written.at(it.key()).dump().c_str());
            std::abort();
        }
    }
    try {
        qt::validate(c);
    } catch (const std::invalid_argument& e) {
        require_one_line(e.what(), "validate");
    }
}

void load_config_file(const std::string& path) {
    try {
        qt::load_train_config(path);
    } catch (const std::runtime_error& e) {
        require_one_line(e.what(), "load_train_config");
    }
}

// A method's trained values as the checkpoint reader sees them: as many as the
// header says (up to a bound; past it, a model-sized count the header must match).
struct Sink : qt::TrainableState {
    int64_t n;
    float sum = 0;
    explicit Sink(int64_t count) : n(count) {}
    std::string method_name() const override { return "qzo"; }
    int64_t size() const override { return n; }
    int64_t trainable_bytes() const override { return n * 4; }
    void read(int64_t, int64_t, float*) override { std::abort(); }  // loading never reads
    void write(int64_t offset, int64_t count, const float* src) override {
        if (offset != 0 || count != n) std::abort();
        for (int64_t i = 0; i < count; ++i) sum += src[i];  // every value in reach
    }
};

void read_checkpoint(const std::string& path) {
    int64_t count = 1000;
    try {
        const qt::CheckpointInfo info = qt::read_checkpoint_info(path);
        if (info.parameter_count < 0) std::abort();
        if (info.parameter_count <= (1 << 16)) count = info.parameter_count;
        require_one_line(info.config.dump(), "checkpoint config");  // dump escapes control characters
    } catch (const std::runtime_error& e) {
        require_one_line(e.what(), "read_checkpoint_info");
    }
    Sink sink(count);
    try {
        qt::load_checkpoint(path, sink);
    } catch (const std::runtime_error& e) {
        require_one_line(e.what(), "load_checkpoint");
    }
}

// A private folder for the metrics log, removed at exit: in /dev/shm where there
// is one (trimming fsyncs the file and its folder, free in memory), else /tmp.
const std::string& scratch_dir() {
    static const std::string dir = [] {
        std::string tmpl = std::filesystem::is_directory("/dev/shm") && access("/dev/shm", W_OK) == 0
                               ? "/dev/shm/fuzz_metrics_log.XXXXXX"
                               : "/tmp/fuzz_metrics_log.XXXXXX";
        if (!mkdtemp(tmpl.data())) {
            std::perror("mkdtemp");
            std::abort();
        }
        return tmpl;
    }();
    static const bool cleanup = [] {
        return std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(scratch_dir(), ec);
        }) == 0;
    }();
    (void)cleanup;
    return dir;
}

// The input as a metrics log, trimmed at a step from the input's first byte. A
// real file, not the memfd: trimming rewrites it atomically, beside itself.
void trim_log(const uint8_t* data, size_t size) {
    const std::string& dir = scratch_dir();
    const std::string path = dir + "/metrics.jsonl";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
        if (!out) std::abort();
    }
    const int64_t next_step = size > 0 ? data[0] % 16 : 0;
    try {
        qt::trim_metrics_log(path, next_step);
    } catch (const std::runtime_error& e) {
        require_one_line(e.what(), "trim_metrics_log");
    }
    // What is kept: whole lines, each an object with an integer step before next_step
    // (evaluations at it), and nothing else left in the folder.
    std::ifstream in(path, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
        if (in.eof()) std::abort();  // every kept line ends in a newline
        const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("step") || !j["step"].is_number_integer()) std::abort();
        const int64_t step = j["step"].get<int64_t>();
        const bool eval = j.contains("type") && j["type"] == "eval";
        if (step > next_step || (step == next_step && !eval)) std::abort();
    }
    std::filesystem::remove(path);
    if (!std::filesystem::is_empty(dir)) std::abort();  // no temporary left behind
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    parse_config(data, size);
    const qt::fuzz::InputFile input("fuzz_train_config", data, size);
    load_config_file(input.path());
    read_checkpoint(input.path());
    trim_log(data, size);
    return 0;
}
