#include "train/metrics_log.h"

#include "util/atomic_file.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace qt {

nlohmann::json memory_json(const MemorySnapshot& m, bool peaks) {
    nlohmann::json j = nlohmann::json::object();
    for (int k = 0; k < kMemoryCategoryCount; ++k)
        j[std::string(memory_category_name(static_cast<MemoryCategory>(k)))] = peaks ? m.peak[k] : m.live[k];
    return j;
}

nlohmann::json step_json(const StepRecord& r) {
    nlohmann::json j;
    j["type"] = "step";
    j["step"] = r.step;
    j["loss"] = r.loss;
    if (r.first_order) {
        j["grad_norm"] = r.grad_norm;
        j["grad_clipped"] = r.grad_clipped;
    } else {
        j["loss_plus"] = r.result.loss_plus;
        j["loss_minus"] = r.result.loss_minus;
        j["projected_grad"] = r.result.projected_grad;
        j["clipped_grad"] = r.result.clipped_grad;
        j["clipped"] = r.result.clipped;
    }
    j["lr"] = r.lr;
    j["tokens"] = r.tokens;
    j["seconds"] = r.seconds;
    j["tokens_per_s"] = r.seconds > 0 ? static_cast<double>(r.tokens) / r.seconds : 0.0;
    j["memory"] = memory_json(r.memory);
    j["memory_total"] = r.memory.total_live;
    j["memory_peak"] = memory_json(r.memory, true);
    j["memory_peak_total"] = r.memory.total_peak;
    // The method's per-layer series (methods/method_metrics.h); NaN (no value yet) as null.
    for (const LayerSeries& series : r.method_metrics.per_layer) {
        nlohmann::json values = nlohmann::json::array();
        for (double v : series.values) values.push_back(std::isnan(v) ? nlohmann::json() : nlohmann::json(v));
        j["layers"][series.name] = std::move(values);
    }
    return j;
}

nlohmann::json eval_json(const EvalRecord& e) {
    nlohmann::json j;
    j["type"] = "eval";
    j["step"] = e.step;
    j["val_loss"] = e.val_loss;
    j["val_tokens"] = e.val_tokens;
    if (e.accuracy) j["accuracy"] = *e.accuracy;
    j["improved"] = e.improved;
    j["seconds"] = e.seconds;
    return j;
}

nlohmann::json rollback_json(const RollbackEvent& e) {
    nlohmann::json j;
    j["type"] = "rollback";
    j["step"] = e.step;
    j["to_step"] = e.to_step;
    j["reason"] = e.reason;
    j["lr_scale"] = e.lr_scale;
    j["in_a_row"] = e.in_a_row;
    return j;
}

nlohmann::json stopped_json(const std::string& reason) {
    return nlohmann::json{{"type", "stopped"}, {"reason", reason}};
}

void trim_metrics_log(const std::string& path, int64_t next_step) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return;
    std::string kept, line;
    while (std::getline(in, line)) {
        if (in.eof()) break;  // no newline: the killed run's last, unfinished line
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(line);
        } catch (const nlohmann::json::exception&) {
            continue;  // not a whole record
        }
        if (!j.is_object() || !j.contains("step") || !j["step"].is_number_integer()) continue;
        const int64_t step = j["step"].get<int64_t>();
        // Not j.value("type", ""): it throws json::type_error on a line whose "type" is not a string.
        const bool eval = j.contains("type") && j["type"] == "eval";
        if (eval ? step <= next_step : step < next_step) kept += line + "\n";
    }
    in.close();
    write_file_atomically(path, [&](std::FILE* f) {
        if (std::fwrite(kept.data(), 1, kept.size(), f) != kept.size())
            throw std::runtime_error(path + ": rewriting the metrics log failed: " + std::strerror(errno));
    });
}

MetricsLog::MetricsLog(const std::string& path) : path_(path) {
    f_ = std::fopen(path.c_str(), "a");
    if (!f_) throw std::runtime_error(path + ": cannot open the metrics log: " + std::strerror(errno));
}

MetricsLog::~MetricsLog() {
    if (f_) std::fclose(f_);
}

void MetricsLog::write(const nlohmann::json& line) {
    const std::string s = line.dump() + "\n";
    if (std::fwrite(s.data(), 1, s.size(), f_) != s.size() || std::fflush(f_) != 0)
        throw std::runtime_error(path_ + ": writing the metrics log failed");
}

}  // namespace qt
