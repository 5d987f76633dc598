#include "train/checkpoint.h"

#include "util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <vector>

namespace qt {
namespace {

constexpr char kMagic[8] = {'Q', 'T', 'C', 'K', 'P', 'T', '0', '1'};
constexpr int64_t kChunk = 1 << 20;  // values per read/write

struct Fnv1a {
    uint64_t h = 0xcbf29ce484222325ull;
    void add(const void* p, size_t n) {
        const auto* b = static_cast<const uint8_t*>(p);
        for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ull;
    }
};

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw std::runtime_error(path + ": " + problem);
}

nlohmann::json header_json(const CheckpointInfo& info) {
    const TrainerState& s = info.state;
    nlohmann::json j;
    j["method"] = info.method;
    j["seed"] = s.seed;
    j["next_step"] = s.next_step;
    j["best_val_loss"] = std::isfinite(s.best_val_loss) ? nlohmann::json(s.best_val_loss) : nlohmann::json(nullptr);
    j["best_step"] = s.best_step;
    j["evals_since_best"] = s.evals_since_best;
    j["stopped_early"] = s.stopped_early;
    j["lr_scale"] = s.lr_scale;
    j["loss_average"] = s.loss_average;
    j["loss_floor"] = s.loss_floor;
    j["average_low"] = s.average_low;
    j["losses_seen"] = s.losses_seen;
    j["rollbacks"] = s.rollbacks;
    j["rollbacks_in_a_row"] = s.rollbacks_in_a_row;
    j["parameter_count"] = info.parameter_count;
    j["config"] = info.config;
    return j;
}

struct Reader {
    std::string path;
    std::FILE* f;
    Fnv1a sum;
    void read(void* dst, size_t n, const char* what) {
        if (std::fread(dst, 1, n, f) != n) fail(path, std::string("truncated checkpoint (reading ") + what + ")");
        sum.add(dst, n);
    }
};

CheckpointInfo read_header(Reader& r) {
    char magic[8];
    r.read(magic, 8, "magic");
    if (std::memcmp(magic, kMagic, 8) != 0) fail(r.path, "not a QuantTune checkpoint (bad magic)");
    uint64_t len = 0;
    r.read(&len, 8, "header length");
    if (len > (64u << 20)) fail(r.path, "header length " + std::to_string(len) + " is implausible");
    std::string text(len, '\0');
    r.read(text.data(), len, "header");
    CheckpointInfo info;
    try {
        const auto j = nlohmann::json::parse(text);
        info.method = j.at("method").get<std::string>();
        info.state.seed = j.at("seed").get<uint64_t>();
        info.state.next_step = j.at("next_step").get<int64_t>();
        info.state.best_val_loss = j.at("best_val_loss").is_null() ? INFINITY : j.at("best_val_loss").get<double>();
        info.state.best_step = j.at("best_step").get<int64_t>();
        info.state.evals_since_best = j.at("evals_since_best").get<int64_t>();
        info.state.stopped_early = j.at("stopped_early").get<bool>();
        // The guard's record; checkpoints written before it existed start it afresh.
        info.state.lr_scale = j.value("lr_scale", 1.0);
        info.state.loss_average = j.value("loss_average", 0.0);
        info.state.loss_floor = j.value("loss_floor", 0.0);
        info.state.average_low = j.value("average_low", 0.0);
        info.state.losses_seen = j.value("losses_seen", int64_t{0});
        info.state.rollbacks = j.value("rollbacks", int64_t{0});
        info.state.rollbacks_in_a_row = j.value("rollbacks_in_a_row", int64_t{0});
        if (!(info.state.lr_scale > 0) || !std::isfinite(info.state.lr_scale) || !std::isfinite(info.state.loss_average))
            fail(r.path, "checkpoint header: the divergence guard's lr_scale or loss_average is not a positive finite number");
        info.parameter_count = j.at("parameter_count").get<int64_t>();
        info.config = j.at("config");
    } catch (const nlohmann::json::exception& e) {
        fail(r.path, std::string("checkpoint header: ") + e.what());
    }
    if (info.parameter_count < 0) fail(r.path, "negative parameter count");
    return info;
}

}  // namespace

void write_checkpoint(const std::string& path, const CheckpointInfo& info, TrainableState& params) {
    if (info.parameter_count != params.size())
        fail(path, "checkpoint info says " + std::to_string(info.parameter_count) + " values, the method holds " +
                       std::to_string(params.size()));
    const std::string header = header_json(info).dump();
    write_file_atomically(path, [&](std::FILE* f) {
        Fnv1a sum;
        auto put = [&](const void* p, size_t n) {
            if (std::fwrite(p, 1, n, f) != n) fail(path, std::string("write failed: ") + std::strerror(errno));
            sum.add(p, n);
        };
        put(kMagic, 8);
        const uint64_t len = header.size();
        put(&len, 8);
        put(header.data(), header.size());
        std::vector<float> chunk(static_cast<size_t>(std::min<int64_t>(kChunk, params.size())));
        for (int64_t at = 0; at < params.size(); at += kChunk) {
            const int64_t n = std::min<int64_t>(kChunk, params.size() - at);
            params.read(at, n, chunk.data());
            // A diverged value never reaches a file: the old checkpoint stays.
            for (int64_t i = 0; i < n; ++i)
                if (!std::isfinite(chunk[static_cast<size_t>(i)]))
                    fail(path, "value " + std::to_string(at + i) + " of " + std::to_string(params.size()) +
                                   " is not finite; the previous checkpoint is kept");
            put(chunk.data(), static_cast<size_t>(n) * sizeof(float));
        }
        const uint64_t h = sum.h;
        if (std::fwrite(&h, 8, 1, f) != 1) fail(path, "write failed");
    });
}

CheckpointInfo read_checkpoint_info(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) fail(path, std::string("cannot open checkpoint: ") + std::strerror(errno));
    Reader r{path, f, {}};
    try {
        CheckpointInfo info = read_header(r);
        std::fclose(f);
        return info;
    } catch (...) {
        std::fclose(f);
        throw;
    }
}

CheckpointInfo load_checkpoint(const std::string& path, TrainableState& params) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) fail(path, std::string("cannot open checkpoint: ") + std::strerror(errno));
    Reader r{path, f, {}};
    try {
        CheckpointInfo info = read_header(r);
        if (info.method != params.method_name())
            fail(path, "checkpoint of method \"" + info.method + "\" cannot resume \"" + params.method_name() + "\"");
        if (info.parameter_count != params.size())
            fail(path, "checkpoint holds " + std::to_string(info.parameter_count) + " values; this model and method train " +
                           std::to_string(params.size()) + " (another model or option?)");
        // Read and check everything before changing the model.
        std::vector<float> values(static_cast<size_t>(info.parameter_count));
        r.read(values.data(), values.size() * sizeof(float), "parameters");
        const uint64_t expect = r.sum.h;
        uint64_t stored = 0;
        if (std::fread(&stored, 8, 1, f) != 1) fail(path, "truncated checkpoint (checksum missing)");
        if (stored != expect) fail(path, "checksum mismatch: the checkpoint is corrupt");
        char extra;
        if (std::fread(&extra, 1, 1, f) != 0) fail(path, "trailing bytes after the checksum");
        for (size_t i = 0; i < values.size(); ++i)
            if (!std::isfinite(values[i])) fail(path, "value " + std::to_string(i) + " is not finite");
        std::fclose(f);
        f = nullptr;
        params.write(0, info.parameter_count, values.data());
        return info;
    } catch (...) {
        if (f) std::fclose(f);
        throw;
    }
}

}  // namespace qt
