// Where the GPU time goes, per kind of operation: with QT_CUDA_PROFILE=1 each
// backend operation is bracketed by CUDA events on the context's stream (no
// synchronisation, so the timings are those of the unprofiled run plus two
// event records per operation), and the elapsed times are summed per name
// when a report is asked for. Nested scopes (matmul > dequant) count in both.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {

struct OpProfile {
    struct Open {
        const char* name;
        cudaEvent_t start;
    };
    struct Done {
        const char* name;
        cudaEvent_t start, stop;
    };
    std::vector<Open> open;
    std::vector<Done> done;
    std::vector<cudaEvent_t> spare;
    std::map<std::string, std::pair<double, int64_t>> totals;  // ms, count
};

bool profile_enabled() {
    static const bool on = [] {
        const char* s = std::getenv("QT_CUDA_PROFILE");
        return s && *s && *s != '0';
    }();
    return on;
}

namespace {

cudaEvent_t take_event(OpProfile& p) {
    if (!p.spare.empty()) {
        cudaEvent_t e = p.spare.back();
        p.spare.pop_back();
        return e;
    }
    cudaEvent_t e;
    QT_CUDA_CHECK(cudaEventCreate(&e));
    return e;
}

void flush(Context* ctx) {
    OpProfile& p = *ctx->profile;
    QT_CUDA_CHECK(cudaStreamSynchronize(ctx->stream));
    for (const auto& d : p.done) {
        float ms = 0;
        QT_CUDA_CHECK(cudaEventElapsedTime(&ms, d.start, d.stop));
        auto& t = p.totals[d.name];
        t.first += ms;
        t.second += 1;
        p.spare.push_back(d.start);
        p.spare.push_back(d.stop);
    }
    p.done.clear();
}

}  // namespace

void profile_begin(Context* ctx, const char* name) {
    if (!profile_enabled()) return;
    if (!ctx->profile) ctx->profile = new OpProfile;
    cudaEvent_t e = take_event(*ctx->profile);
    QT_CUDA_CHECK(cudaEventRecord(e, ctx->stream));
    ctx->profile->open.push_back({name, e});
}

void profile_end(Context* ctx) {
    if (!ctx->profile || ctx->profile->open.empty()) return;
    OpProfile& p = *ctx->profile;
    const OpProfile::Open o = p.open.back();
    p.open.pop_back();
    cudaEvent_t e = take_event(p);
    QT_CUDA_CHECK(cudaEventRecord(e, ctx->stream));
    p.done.push_back({o.name, o.start, e});
    if (p.done.size() >= 8192 && p.open.empty()) flush(ctx);
}

std::string profile_report(Context* ctx, bool reset) {
    if (!ctx->profile) return "";
    flush(ctx);
    OpProfile& p = *ctx->profile;
    std::vector<std::pair<double, std::string>> rows;
    for (const auto& [name, t] : p.totals) {
        char line[160];
        std::snprintf(line, sizeof line, "%-28s %10.2f ms %9lld calls\n", name.c_str(), t.first,
                      static_cast<long long>(t.second));
        rows.push_back({t.first, line});
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::string out;
    for (const auto& r : rows) out += r.second;
    if (reset) p.totals.clear();
    return out;
}

void destroy_profile(Context* ctx) {
    if (!ctx->profile) return;
    for (const auto& d : ctx->profile->done) {
        cudaEventDestroy(d.start);
        cudaEventDestroy(d.stop);
    }
    for (const auto& o : ctx->profile->open) cudaEventDestroy(o.start);
    for (cudaEvent_t e : ctx->profile->spare) cudaEventDestroy(e);
    delete ctx->profile;
    ctx->profile = nullptr;
}

}  // namespace qt::cuda
