// The memory ledger against the process's own allocator: over a phase that
// loads a model for training, sets up QZO or MeZO and runs steps, the bytes
// the ledger says are live must agree within 2% with the growth of the bytes
// glibc's malloc has handed out and not taken back (mallinfo2: uordblks for the
// heap arenas plus hblkhd for chunks served by mmap, which large buffers are).
// The model file itself is mapped before the phase starts and is not malloc'ed;
// in training mode every weight is copied into backend memory, so every buffer
// the ledger counts comes from malloc and the comparison covers all of them.
#include <gtest/gtest.h>
#include <malloc.h>

#include <cmath>
#include <memory>

#include "backend/cpu_backend.h"
#include "gguf/random_llama_gguf.h"
#include "methods/zo_step.h"
#include "test_support.h"
#include "train/batch_loss.h"
#include "train/training_session.h"

namespace {

int64_t malloc_in_use() {
    const struct mallinfo2 mi = mallinfo2();
    return static_cast<int64_t>(mi.uordblks + mi.hblkhd);
}

std::string ledger_model() {
    static const std::string path = [] {
        const std::string p = qt::test::make_temp_dir("ledger") + "/model.gguf";
        qt::RandomLlamaSpec s;
        s.n_layers = 6;
        s.dim = 512;
        s.ffn_dim = 1536;
        s.n_heads = 8;
        s.n_kv_heads = 8;
        s.vocab_size = 900;
        s.seed = 3;
        qt::write_random_llama_gguf(p, s);
        return p;
    }();
    return path;
}

class LedgerAgainstMalloc : public ::testing::TestWithParam<std::string> {};

TEST_P(LedgerAgainstMalloc, LiveBytesAgreeWithinTwoPercent) {
    qt::TrainConfig c;
    c.method = GetParam();
    auto file = std::shared_ptr<const qt::GgufFile>(qt::GgufFile::open(ledger_model()));
    std::vector<qt::Example> batch(2);
    for (int e = 0; e < 2; ++e)
        for (int t = 0; t < 120; ++t) {
            batch[e].tokens.push_back((7 * t + e) % 900);
            batch[e].loss_mask.push_back(t > 100);
        }
    std::vector<const qt::Example*> ptrs{&batch[0], &batch[1]};
    auto backend = qt::make_cpu_backend(1);

    const int64_t malloc0 = malloc_in_use();
    const int64_t ledger0 = backend->ledger().snapshot().total_live;
    int64_t malloc_delta = 0, ledger_delta = 0;
    {
        qt::LlamaLoadOptions o;
        o.writable_weights = true;
        auto model = qt::LlamaModel::load(file, *backend, o);
        auto params = qt::make_zo_parameters(c, *model);
        qt::BatchLoss loss(*model, 128);
        for (uint64_t step = 0; step < 1; ++step)
            qt::zo_step(*params, {1, step}, {1e-3, 1e-6, c.method == "qzo", 100.0},
                        [&] { return loss.evaluate(ptrs).mean(); });
        malloc_delta = malloc_in_use() - malloc0;
        const qt::MemorySnapshot m = backend->ledger().snapshot();
        ledger_delta = m.total_live - ledger0;
        std::printf("%s: ledger %lld bytes (weights %lld, trainable %lld, activations %lld, KV %lld), malloc %lld "
                    "bytes, difference %.3f%%\n",
                    c.method.c_str(), static_cast<long long>(ledger_delta), static_cast<long long>(m.live[0]),
                    static_cast<long long>(m.live[1]), static_cast<long long>(m.live[4]),
                    static_cast<long long>(m.live[5]), static_cast<long long>(malloc_delta),
                    100.0 * std::fabs(static_cast<double>(malloc_delta - ledger_delta)) / static_cast<double>(ledger_delta));
        EXPECT_GT(m.live[static_cast<int>(qt::MemoryCategory::TrainableParameters)], 0);
    }
    ASSERT_GT(ledger_delta, 8 << 20);  // a phase big enough that 2% means something
    EXPECT_NEAR(static_cast<double>(malloc_delta), static_cast<double>(ledger_delta), 0.02 * ledger_delta);
    // Everything released: the ledger is back where it started.
    EXPECT_EQ(backend->ledger().snapshot().total_live, ledger0);
}

INSTANTIATE_TEST_SUITE_P(Methods, LedgerAgainstMalloc, ::testing::Values("qzo", "mezo"));

}  // namespace
