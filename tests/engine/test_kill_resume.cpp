// quanttune-cli train as a user's machine treats it: killed with SIGKILL at 30
// moments (timed kills anywhere in the run, and kills in the middle of a checkpoint
// or export write, injected with QUANTTUNE_FAULTS=kill-in-write@N), on a disk that
// fills up (RLIMIT_FSIZE: every write past the limit fails with EFBIG, as on a full
// disk), and with NaN losses injected at chosen steps. After every kill the files
// left are whole (the old version or the new), --resume last completes the run, and
// the final checkpoint and exported model equal an uninterrupted run's byte for byte.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "gguf/gguf_file.h"
#include "gguf/random_llama_gguf.h"
#include "checkpoint_sink.h"
#include "test_support.h"
#include "train/checkpoint.h"

namespace fs = std::filesystem;

namespace {

struct Files {
    std::string dir, model, data;
};

// Large enough that the files' sizes are ordered log < checkpoint < model, which the
// disk-full cases rely on.
const Files& files() {
    static const Files f = [] {
        Files out;
        out.dir = qt::test::make_temp_dir("kill");
        out.model = out.dir + "/small.gguf";
        out.data = out.dir + "/data.jsonl";
        qt::RandomLlamaSpec spec;
        spec.seed = 17;
        spec.dim = 128;
        spec.ffn_dim = 256;
        qt::write_random_llama_gguf(out.model, spec);
        std::ofstream d(out.data);
        for (int i = 0; i < 40; ++i)
            d << "{\"prompt\": \"item " << i << " is\", \"completion\": \"" << (i % 3 == 0 ? "red" : "blue") << "\"}\n";
        return out;
    }();
    return f;
}

struct Result {
    int status = 0;       // exit code, or 128 + signal
    std::string output;   // stdout and stderr
};

// Runs the CLI with `env` added; kills it with SIGKILL after `kill_after` seconds
// when that is positive. `fsize_limit` > 0 sets RLIMIT_FSIZE (bytes) for it.
Result run_cli(const std::vector<std::string>& args, const std::vector<std::string>& env = {}, double kill_after = 0,
               long fsize_limit = 0) {
    const std::string log = files().dir + "/cli-output.txt";
    const pid_t pid = fork();
    if (pid == 0) {
        const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));
        if (fsize_limit > 0) {
            rlimit r{static_cast<rlim_t>(fsize_limit), static_cast<rlim_t>(fsize_limit)};
            setrlimit(RLIMIT_FSIZE, &r);
        }
        std::vector<char*> argv{const_cast<char*>(QT_CLI_PATH)};
        for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(QT_CLI_PATH, argv.data());
        _exit(127);
    }
    int status = 0;
    if (kill_after > 0) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(kill_after);
        while (waitpid(pid, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() >= deadline) {
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                break;
            }
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    } else {
        waitpid(pid, &status, 0);
    }
    Result r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::ifstream in(log);
    r.output.assign(std::istreambuf_iterator<char>(in), {});
    return r;
}

std::vector<std::string> train_args(const std::string& out, int steps = 24) {
    return {"train", "--method", "qzo", "--model", files().model, "--data", files().data, "--out", out,
            "--steps", std::to_string(steps), "--batch-size", "2", "--checkpoint-every", "1", "--eval-every", "8",
            "--eval-examples", "4", "--threads", "1", "--seed", "5", "--quiet"};
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& more) {
    a.insert(a.end(), more.begin(), more.end());
    return a;
}

std::string bytes_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every file left in the run folder is whole: the checkpoint loads (checksum,
// finite values), the model opens, the log's lines parse (bar a last one cut short).
void expect_whole_files(const std::string& out, const std::string& when) {
    SCOPED_TRACE(when);
    const std::string ckpt = out + "/checkpoint.qtck";
    if (fs::exists(ckpt)) {
        const qt::CheckpointInfo info = qt::read_checkpoint_info(ckpt);
        qt::test::CheckpointSink sink(info.parameter_count);
        EXPECT_NO_THROW(qt::load_checkpoint(ckpt, sink));
    }
    const std::string model = out + "/model-qzo.gguf";
    if (fs::exists(model)) {
        try {
            const auto f = qt::GgufFile::open(model);
            EXPECT_GT(f->tensors().size(), 0u);
        } catch (const std::exception& e) {
            ADD_FAILURE() << "a broken model file was left: " << e.what();
        }
    }
}

const std::string& reference_output() {
    static const std::string dir = qt::test::make_temp_dir("kill-ref");
    return dir;
}

struct Reference {
    std::string out;  // the folder every run uses (the config, which names it, is in the checkpoint)
    std::string checkpoint, model;
    double seconds = 0;
    size_t log_bytes = 0;
};

const Reference& reference() {
    static const Reference ref = [] {
        Reference r;
        r.out = files().dir + "/run";
        fs::remove_all(r.out);
        const auto t0 = std::chrono::steady_clock::now();
        const Result res = run_cli(train_args(r.out));
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (res.status != 0) throw std::runtime_error("the uninterrupted run failed: " + res.output);
        r.checkpoint = bytes_of(r.out + "/checkpoint.qtck");
        r.model = bytes_of(r.out + "/model-qzo.gguf");
        r.log_bytes = fs::file_size(r.out + "/metrics.jsonl");
        fs::copy(r.out, reference_output(), fs::copy_options::overwrite_existing | fs::copy_options::recursive);
        return r;
    }();
    return ref;
}

}  // namespace

TEST(KillResume, ThirtyKillsLoseNothingAndResumeToTheSameBytes) {
    const Reference& ref = reference();
    std::printf("uninterrupted run: %.2f s, checkpoint %zu bytes, model %zu bytes\n", ref.seconds, ref.checkpoint.size(),
                ref.model.size());
    std::mt19937 rng(2026);
    // 24 in-run checkpoints (one per step, each written once the step after it passed;
    // the last step's own at the end), then the export: 26 atomic writes.
    const int writes = 26;
    int killed = 0, timed = 0, in_write = 0, resumed_from_checkpoint = 0, same = 0;
    for (int trial = 0; trial < 30; ++trial) {
        SCOPED_TRACE("trial " + std::to_string(trial));
        fs::remove_all(ref.out);
        Result k;
        std::string how;
        if (trial % 2 == 0) {
            // In the middle of a write: checkpoints early, late, the final one and the export.
            const int n = trial == 0 ? writes : trial == 2 ? writes - 1 : 1 + static_cast<int>(rng() % writes);
            how = "kill-in-write@" + std::to_string(n);
            k = run_cli(train_args(ref.out), {"QUANTTUNE_FAULTS=" + how});
            ++in_write;
        } else {
            const double at = std::uniform_real_distribution<double>(0.05, 1.0)(rng) * ref.seconds;
            how = "SIGKILL after " + std::to_string(at) + " s";
            k = run_cli(train_args(ref.out), {}, at);
            ++timed;
        }
        if (k.status == 128 + SIGKILL) ++killed;
        expect_whole_files(ref.out, how);
        // Resume: from the checkpoint left, or from the start where none was written yet.
        const bool has_checkpoint = fs::exists(ref.out + "/checkpoint.qtck");
        resumed_from_checkpoint += has_checkpoint ? 1 : 0;
        const Result r = run_cli(has_checkpoint ? with(train_args(ref.out), {"--resume", "last"}) : train_args(ref.out));
        ASSERT_EQ(r.status, 0) << how << "\n" << r.output;
        const bool equal = bytes_of(ref.out + "/checkpoint.qtck") == ref.checkpoint &&
                           bytes_of(ref.out + "/model-qzo.gguf") == ref.model;
        EXPECT_TRUE(equal) << how << ": the resumed run's final checkpoint or model differs from the uninterrupted run's";
        same += equal ? 1 : 0;
        // The log holds each step once, in order.
        std::ifstream log(ref.out + "/metrics.jsonl");
        int64_t expect_step = 0;
        for (std::string line; std::getline(log, line);) {
            const auto j = nlohmann::json::parse(line);
            if (j["type"] == "step") {
                EXPECT_EQ(j["step"].get<int64_t>(), expect_step++) << how;
            }
        }
        EXPECT_EQ(expect_step, 24) << how;
    }
    std::printf("kills: %d (%d timed, %d in the middle of a write), %d killed before exiting; resumed from a "
                "checkpoint %d times; final checkpoint and model equal to the uninterrupted run's: %d of 30\n",
                timed + in_write, timed, in_write, killed, resumed_from_checkpoint, same);
    // Here 27-28 of 30 land; on a loaded machine (CI under ASan) 22, where runs went
    // faster than the timed uninterrupted one. The test is worth its name while at
    // least half of them land.
    EXPECT_GE(killed, 15) << "most kills should land before the run ends";
}

TEST(KillResume, AnUnfinishedRunIsOfferedForResumeNotOverwritten) {
    const Reference& ref = reference();
    fs::remove_all(ref.out);
    const Result k = run_cli(train_args(ref.out), {"QUANTTUNE_FAULTS=kill-in-write@10"});
    ASSERT_EQ(k.status, 128 + SIGKILL) << k.output;
    const std::string before = bytes_of(ref.out + "/checkpoint.qtck");
    const Result again = run_cli(train_args(ref.out));
    EXPECT_EQ(again.status, 2) << again.output;
    EXPECT_NE(again.output.find("an unfinished run stopped after step 9 of 24"), std::string::npos) << again.output;
    EXPECT_NE(again.output.find("--resume last"), std::string::npos) << again.output;
    EXPECT_EQ(bytes_of(ref.out + "/checkpoint.qtck"), before) << "the offer must not touch the checkpoint";
    const Result restart = run_cli(with(train_args(ref.out), {"--restart"}));
    EXPECT_EQ(restart.status, 0) << restart.output;
    EXPECT_EQ(bytes_of(ref.out + "/checkpoint.qtck"), ref.checkpoint);
}

// RLIMIT_FSIZE between the files' sizes: each kind of write fails in turn.
TEST(DiskFull, EachKindOfWriteFailsClearlyAndLeavesThePreviousFiles) {
    const Reference& ref = reference();
    ASSERT_LT(ref.log_bytes, ref.checkpoint.size());
    ASSERT_LT(ref.checkpoint.size(), ref.model.size());
    const long between_log_and_checkpoint = static_cast<long>((ref.log_bytes + ref.checkpoint.size()) / 2);
    const long between_checkpoint_and_model = static_cast<long>((ref.checkpoint.size() + ref.model.size()) / 2);
    std::printf("sizes: log %zu, checkpoint %zu, model %zu bytes; limits %ld and %ld\n", ref.log_bytes,
                ref.checkpoint.size(), ref.model.size(), between_log_and_checkpoint, between_checkpoint_and_model);
    auto fresh_finished_run = [&] {
        fs::remove_all(ref.out);
        fs::copy(reference_output(), ref.out, fs::copy_options::recursive);
    };
    // 1. Checkpoints fail, training goes on (the default): a warning per checkpoint, the
    //    run reaches its end, the final checkpoint fails with an error naming the file;
    //    the previous run's checkpoint and model are untouched. Another seed, so that
    //    its files would differ.
    {
        fresh_finished_run();
        const Result r = run_cli(with(train_args(ref.out), {"--seed", "6"}), {}, 0, between_log_and_checkpoint);
        EXPECT_EQ(r.status, 1) << r.output;
        EXPECT_NE(r.output.find("warning: checkpoint not written: " + ref.out + "/checkpoint.qtck: write failed: File too large; training goes on"),
                  std::string::npos) << r.output;
        EXPECT_NE(r.output.find("memory (live / peak)"), std::string::npos) << "training went on to the end\n" << r.output;
        EXPECT_NE(r.output.find("error: " + ref.out + "/checkpoint.qtck: write failed"), std::string::npos) << r.output;
        EXPECT_EQ(bytes_of(ref.out + "/checkpoint.qtck"), ref.checkpoint);
        EXPECT_EQ(bytes_of(ref.out + "/model-qzo.gguf"), ref.model);
    }
    // 2. The same with --on-write-error stop: the run stops at the first checkpoint.
    {
        fresh_finished_run();
        const Result r = run_cli(with(train_args(ref.out), {"--seed", "6", "--on-write-error", "stop"}), {}, 0,
                                 between_log_and_checkpoint);
        EXPECT_EQ(r.status, 1) << r.output;
        EXPECT_NE(r.output.find("the run stops, as on_write_error asks; the previous checkpoint is intact"),
                  std::string::npos) << r.output;
        EXPECT_EQ(r.output.find("memory (live / peak)"), std::string::npos) << "stopped before the end\n" << r.output;
        EXPECT_EQ(bytes_of(ref.out + "/checkpoint.qtck"), ref.checkpoint);
        EXPECT_EQ(bytes_of(ref.out + "/model-qzo.gguf"), ref.model);
    }
    // 3. The export fails: a clear error naming the model file; the old model stays,
    //    the new checkpoint is whole, and the export can be redone from it.
    {
        fresh_finished_run();
        const Result r = run_cli(with(train_args(ref.out), {"--seed", "6"}), {}, 0, between_checkpoint_and_model);
        EXPECT_EQ(r.status, 1) << r.output;
        EXPECT_NE(r.output.find("error: " + ref.out + "/model-qzo.gguf"), std::string::npos) << r.output;
        EXPECT_EQ(bytes_of(ref.out + "/model-qzo.gguf"), ref.model);
        expect_whole_files(ref.out, "export failed");
        EXPECT_NE(bytes_of(ref.out + "/checkpoint.qtck"), ref.checkpoint) << "the new run's checkpoint was written";
        const Result redo = run_cli(with(train_args(ref.out), {"--seed", "6", "--resume", "last"}));
        EXPECT_EQ(redo.status, 0) << redo.output;
        expect_whole_files(ref.out, "export redone");
    }
    // 4. Not even the metrics log fits: the run stops with an error naming it. (The
    //    limit also holds for the file this test reads the CLI's output from, which stays
    //    below 2 KiB.)
    {
        fs::remove_all(ref.out);
        const Result r = run_cli(train_args(ref.out), {}, 0, 4096);
        EXPECT_EQ(r.status, 1) << r.output;
        EXPECT_NE(r.output.find("error: " + ref.out + "/metrics.jsonl: writing the metrics log failed"), std::string::npos)
            << r.output;
    }
}

TEST(InjectedNan, IsRolledBackLoggedAndNeverSaved) {
    const Reference& ref = reference();
    fs::remove_all(ref.out);
    const Result r = run_cli(train_args(ref.out), {"QUANTTUNE_FAULTS=nan-loss@6"});
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("rollback at step 7: the loss is not finite"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("learning rate now 0.25 x the setting"), std::string::npos) << r.output;
    std::ifstream log(ref.out + "/metrics.jsonl");
    int rollbacks = 0;
    for (std::string line; std::getline(log, line);) {
        const auto j = nlohmann::json::parse(line);
        if (j["type"] == "rollback") {
            ++rollbacks;
            EXPECT_EQ(j["step"], 6);
            EXPECT_EQ(j["to_step"], 5) << "the copy taken before step 5, which passed (copies every step here, "
                                          "as checkpoints are)";
        }
    }
    EXPECT_EQ(rollbacks, 1);
    expect_whole_files(ref.out, "after a NaN");
    EXPECT_NE(bytes_of(ref.out + "/checkpoint.qtck"), ref.checkpoint) << "the lower learning rate changed the run";
    // NaN at every step from 3 on: five rollbacks, then the run stops with the message
    // and the last checkpoint is the state that passed.
    fs::remove_all(ref.out);
    const Result stop = run_cli(train_args(ref.out), {"QUANTTUNE_FAULTS=nan-loss@3-100"});
    EXPECT_EQ(stop.status, 1) << stop.output;
    EXPECT_NE(stop.output.find("error: training diverged: 6 rollbacks in a row"), std::string::npos) << stop.output;
    const qt::CheckpointInfo info = qt::read_checkpoint_info(ref.out + "/checkpoint.qtck");
    EXPECT_EQ(info.state.next_step, 2) << "the state before step 2 passed with step 2; the one before step 3 never did";
    expect_whole_files(ref.out, "after the guard stopped");
    // Without the guard a NaN stops the run at once.
    fs::remove_all(ref.out);
    const Result off = run_cli(with(train_args(ref.out), {"--no-guard"}), {"QUANTTUNE_FAULTS=nan-loss@6"});
    EXPECT_EQ(off.status, 1) << off.output;
    EXPECT_NE(off.output.find("step 6: the loss is not finite"), std::string::npos) << off.output;
    expect_whole_files(ref.out, "guard off");
}
