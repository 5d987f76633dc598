// quanttune-cli pretrain-image --out MODEL.gguf [options]
// Pre-trains a class-conditional DiT (image/dit_model.h) from scratch on
// Fashion-MNIST's training split with AdamW and the rectified-flow loss
// (image/rectified_flow.h). The model is saved atomically every --save-every steps
// and at the end, in float32, with its step count in the GGUF (qt-dit.training.steps);
// AdamW's moments and the run's batch, lr, seed, hold-out and style go to
// MODEL.gguf.adamw beside it, so that --resume continues where the last save left off.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "backend/backend_factory.h"
#include "cli/cli_args.h"
#include "cli/commands.h"
#include "cli/image_cli.h"
#include "image/dit_backprop.h"
#include "image/fashion_mnist.h"
#include "image/image_styles.h"
#include "image/rectified_flow.h"
#include "methods/adamw_optimizer.h"
#include "util/atomic_file.h"
#include "util/fault_injection.h"
#include "util/philox_normal.h"

namespace qt::cli {
namespace {

const char* const kShapeOptions[] = {"width", "depth", "heads", "patch"};
const char kMomentsMagic[8] = {'Q', 'T', 'A', 'D', 'A', 'M', 'W', '2'};

// The run's data and optimizer settings, which --resume takes when not given again:
// "batch=64 lr=0.0005 seed=1 hold-out=none style=none".
using RunSettings = std::map<std::string, std::string>;

std::string settings_text(const RunSettings& settings) {
    std::string text;
    for (const auto& [key, value] : settings) text += (text.empty() ? "" : " ") + key + "=" + value;
    return text;
}

// MODEL.gguf.adamw: magic "QTADAMW2", int64 step, int64 count, int64 n, n bytes of
// settings_text, then `count` float32 (AdamW's m of every block, then v); written
// after the model it belongs to.
void save_moments(const std::string& path, int64_t step, const AdamWOptimizer& opt, const RunSettings& settings) {
    write_file_atomically(path, [&](std::FILE* f) {
        const int64_t count = opt.state_size();
        const std::string text = settings_text(settings);
        const auto text_size = static_cast<int64_t>(text.size());
        std::fwrite(kMomentsMagic, 1, sizeof kMomentsMagic, f);
        std::fwrite(&step, sizeof step, 1, f);
        std::fwrite(&count, sizeof count, 1, f);
        std::fwrite(&text_size, sizeof text_size, 1, f);
        std::fwrite(text.data(), 1, text.size(), f);
        std::vector<float> chunk;
        for (int64_t at = 0; at < count; at += 1 << 20) {
            const int64_t n = std::min<int64_t>(1 << 20, count - at);
            chunk.resize(static_cast<size_t>(n));
            opt.read_state(at, n, chunk.data());
            if (std::fwrite(chunk.data(), sizeof(float), chunk.size(), f) != chunk.size())
                throw std::runtime_error(path + ": cannot write AdamW's moments");
        }
    });
}

struct MomentsHeader {
    int64_t step = -1, count = -1;
    RunSettings settings;
};

// Reads the header and the settings; an empty string when it reads, else why not.
std::string read_moments_header(std::FILE* f, MomentsHeader& h) {
    char magic[8];
    int64_t text_size = -1;
    if (std::fread(magic, 1, 8, f) != 8 || std::memcmp(magic, kMomentsMagic, 8) != 0)
        return "not an AdamW moments file of pretrain-image";
    if (std::fread(&h.step, 8, 1, f) != 1 || std::fread(&h.count, 8, 1, f) != 1 ||
        std::fread(&text_size, 8, 1, f) != 1 || text_size < 0 || text_size > 4096)
        return "its header is cut off or broken";
    std::string text(static_cast<size_t>(text_size), '\0');
    if (std::fread(text.data(), 1, text.size(), f) != text.size()) return "its settings are cut off";
    for (size_t pos = 0; pos < text.size();) {
        const size_t space = std::min(text.find(' ', pos), text.size());
        const std::string item = text.substr(pos, space - pos);
        const size_t eq = item.find('=');
        if (eq != std::string::npos) h.settings[item.substr(0, eq)] = item.substr(eq + 1);
        pos = space + 1;
    }
    return "";
}

// The settings a run saved beside MODEL.gguf, or none when the side file does not read.
RunSettings read_run_settings(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return {};
    MomentsHeader h;
    const std::string why = read_moments_header(f, h);
    std::fclose(f);
    return why.empty() ? h.settings : RunSettings{};
}

// Loads the moments when the side file is of this step and size; otherwise says why
// they start afresh (a run stopped between writing the model and its moments).
bool load_moments(const std::string& path, int64_t step, AdamWOptimizer& opt) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    std::string why;
    if (!f) {
        why = "no such file";
    } else {
        MomentsHeader h;
        why = read_moments_header(f, h);
        if (!why.empty()) {
        } else if (h.step != step) {
            why = "its moments are of step " + std::to_string(h.step);
        } else if (h.count != opt.state_size()) {
            why = "it holds " + std::to_string(h.count) + " values, expected " + std::to_string(opt.state_size());
        } else {
            std::vector<float> chunk;
            for (int64_t at = 0; at < h.count && why.empty(); at += 1 << 20) {
                const int64_t n = std::min<int64_t>(1 << 20, h.count - at);
                chunk.resize(static_cast<size_t>(n));
                if (std::fread(chunk.data(), sizeof(float), chunk.size(), f) != chunk.size()) why = "truncated";
                else opt.write_state(at, n, chunk.data());
            }
        }
        std::fclose(f);
    }
    if (why.empty()) {
        opt.set_steps_taken(step);
        return true;
    }
    std::fprintf(stderr, "%s: %s; AdamW's moments start afresh at step %lld\n", path.c_str(), why.c_str(),
                 static_cast<long long>(step));
    return false;
}

}  // namespace

const CommandSpec& pretrain_image_spec() {
    static const CommandSpec spec{
        "pretrain-image", "--out MODEL.gguf [options]",
        "Pre-train a class-conditional image model (DiT, rectified flow) from scratch on Fashion-MNIST.",
        {
            {"out", "MODEL.gguf", "the model to write (required); saved atomically, float32, with its step count; "
                                  "AdamW's moments go to MODEL.gguf.adamw"},
            {"data", "DIR", "Fashion-MNIST's folder (default: $QUANTTUNE_FASHION_MNIST, else Debian's "
                            "/usr/share/datasets/fashion-mnist)"},
            {"steps", "N", "total AdamW steps, counting those of a resumed run (default 20000)"},
            {"batch", "N", "images a step (default 64)"},
            {"lr", "X", "AdamW's learning rate, constant (default 5e-4)"},
            {"width", "N", "the tokens' width, a multiple of 4 and of --heads (default 128)"},
            {"depth", "N", "transformer blocks (default 6)"},
            {"heads", "N", "attention heads (default 4)"},
            {"patch", "N", "p x p pixels a token; must divide 28: 1, 2, 4, 7, 14 or 28 (default 2)"},
            {"hold-out", "CLASS", "leave this class (name such as sneaker, or number 0-9) out of training (default none)"},
            {"style", "none|inverted|outlined", "train on the images drawn in this style (default none)"},
            {"seed", "N", "seed of the initial weights, the batches, noise and times (default 1)"},
            {"save-every", "N", "save every N steps; 0: only at the end (default 1000)"},
            {"log-every", "N", "print step, mean loss and images/s every N steps (default 100)"},
            {"resume", nullptr, "continue MODEL.gguf from its saved step up to --steps: the shape is the file's, "
                                "AdamW's moments MODEL.gguf.adamw's when of that step, and --batch, --lr, --seed, "
                                "--hold-out, --style as saved there unless given again"},
            {"threads", "N", "CPU threads, 0 to 1024; 0: all cores (default 0)"},
            {"device", "auto|cpu|cuda|cuda:N", "where to train; auto takes the first GPU, else the CPU (default auto)"},
        }};
    return spec;
}

int run_pretrain_image(const Args& args) {
    if (!args.positionals().empty())
        throw UsageError("pretrain-image takes no MODEL argument; the model it writes is --out MODEL.gguf");
    if (!args.has("out")) throw UsageError("pretrain-image needs --out MODEL.gguf");
    const std::string out = args.str("out", "");
    const bool resume = args.flag("resume");
    // A resumed run takes the settings it saved for what the line does not give again.
    const std::string moments_path = out + ".adamw";
    const RunSettings saved = resume ? read_run_settings(moments_path) : RunSettings{};
    auto saved_or = [&](const char* key, const std::string& fallback) {
        const auto it = saved.find(key);
        return it == saved.end() ? fallback : it->second;
    };
    auto saved_number = [&](const char* key, double fallback) {
        const auto it = saved.find(key);
        if (it == saved.end()) return fallback;
        char* end = nullptr;
        const double v = std::strtod(it->second.c_str(), &end);
        return end && *end == '\0' && end != it->second.c_str() ? v : fallback;
    };
    const long long steps = args.integer("steps", 20000);
    const long long batch = args.integer("batch", static_cast<long long>(saved_number("batch", 64)));
    const double lr = args.number("lr", saved_number("lr", 5e-4));
    const long long save_every = args.integer("save-every", 1000), log_every = args.integer("log-every", 100);
    const long long threads = args.integer("threads", 0);
    const auto seed = static_cast<uint64_t>(args.integer("seed", static_cast<long long>(saved_number("seed", 1))));
    if (steps < 1) throw UsageError("--steps must be at least 1");
    if (batch < 1 || batch > 65536) throw UsageError("--batch must be between 1 and 65536");
    if (!(lr > 0) || !std::isfinite(lr)) throw UsageError("--lr must be a positive number");
    if (save_every < 0) throw UsageError("--save-every must be 0 (only at the end) or more");
    if (log_every < 1) throw UsageError("--log-every must be at least 1");
    if (threads < 0 || threads > 1024) throw UsageError("--threads must be between 0 (all cores) and 1024");
    const std::string style = args.str("style", saved_or("style", "none"));
    if (style != "none" && style != "inverted" && style != "outlined")
        throw UsageError("--style: unknown style \"" + style + "\" (none, inverted, outlined)");
    const std::string hold_out_name = args.str("hold-out", saved_or("hold-out", "none"));
    const int hold_out = hold_out_name == "none" ? -1 : parse_image_class("hold-out", hold_out_name);
    char lr_text[32];
    std::snprintf(lr_text, sizeof lr_text, "%.17g", lr);
    const RunSettings settings{{"batch", std::to_string(batch)}, {"lr", lr_text}, {"seed", std::to_string(seed)},
                               {"hold-out", hold_out < 0 ? "none" : std::to_string(hold_out)}, {"style", style}};

    DitConfig c;
    c.image_size = kFashionMnistSide, c.channels = 1, c.n_classes = kFashionMnistClasses;
    c.width = static_cast<int>(args.integer("width", 128));
    c.depth = static_cast<int>(args.integer("depth", 6));
    c.n_heads = static_cast<int>(args.integer("heads", 4));
    c.patch_size = static_cast<int>(args.integer("patch", 2));
    if (resume) {
        for (const char* o : kShapeOptions)
            if (args.has(o))
                throw UsageError(std::string("--resume takes the model's shape from ") + out + "; drop --" + o);
        if (!std::filesystem::exists(out)) throw UsageError("--resume: " + out + " does not exist");
    } else {
        if (c.patch_size < 1 || kFashionMnistSide % c.patch_size != 0)
            throw UsageError("--patch " + std::to_string(c.patch_size) +
                             ": 28 x 28 images need a patch size that divides 28 (1, 2, 4, 7, 14, 28)");
        if (c.width < 4 || c.depth < 1 || c.n_heads < 1) throw UsageError("--width, --depth and --heads must be positive");
        if (c.width % c.n_heads != 0 || c.width % 4 != 0)
            throw UsageError("--width " + std::to_string(c.width) + " must be a multiple of 4 and of --heads " +
                             std::to_string(c.n_heads));
        c.ffn_width = 4 * c.width;
        c.timestep_dim = std::max(32, c.width / 2 * 2);
        try {
            c.validate();
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("--width/--depth/--heads/--patch: ") + e.what());
        }
        if (std::filesystem::exists(out))
            throw UsageError("--out " + out + " exists: pass --resume to continue it, or remove it");
    }

    // The data first: a missing dataset should not leave a fresh model behind.
    const std::string dir = args.has("data") ? args.str("data", "") : fashion_mnist_dir();
    ImageSet train = load_fashion_mnist(dir, FashionMnistSplit::Train);
    if (hold_out >= 0) train = without_class(train, hold_out);
    if (style == "inverted") train = inverted(train);
    if (style == "outlined") train = outlined(train);
    const int64_t n_train = train.size();

    BackendChoice choice = make_backend(args.str("device", "auto"), static_cast<int>(threads));
    std::fprintf(stderr, "device: %s\n", choice.message.c_str());
    Backend& backend = *choice.backend;
    int64_t start = 0;
    if (!resume) write_random_dit_gguf(out, c, seed);
    std::unique_ptr<DitModel> model = DitModel::load(backend, out);
    if (resume) {
        check_fashion_mnist_model(*model, out);
        if (!model->trainable())
            throw std::runtime_error(out + ": has quantized weights; pretrain-image trains a float32 model");
        start = read_dit_training_steps(out);
        c = model->config();
        if (start >= steps)
            throw UsageError("--resume: " + out + " is at step " + std::to_string(start) + ", --steps " +
                             std::to_string(steps) + " asks for no more");
    }
    DitBackprop dit(*model);
    AdamWOptimizer opt(backend, dit.parameter_blocks(), AdamWSettings{});
    if (resume) load_moments(moments_path, start, opt);
    int64_t parameters = 0;
    for (const ParameterBlock& p : dit.parameter_blocks()) parameters += p.count;

    std::printf("pretrain-image: %s, %lld parameters (28x28, patch %d, width %d, depth %d, heads %d); %lld images "
                "(%s held out, style %s), batch %lld, lr %g, seed %llu, steps %lld to %lld on %s\n",
                out.c_str(), static_cast<long long>(parameters), c.patch_size, c.width, c.depth, c.n_heads,
                static_cast<long long>(n_train),
                hold_out >= 0 ? std::string(fashion_mnist_class_names()[static_cast<size_t>(hold_out)]).c_str() : "none",
                style.c_str(), batch, lr, static_cast<unsigned long long>(seed), static_cast<long long>(start) + 1, steps, backend.name().c_str());
    std::fflush(stdout);

    const int64_t per_image = train.pixels_per_image();
    std::vector<float> x0(static_cast<size_t>(batch * per_image));
    std::vector<int32_t> labels(static_cast<size_t>(batch));
    double loss_sum = 0;
    int64_t logged = 0;
    auto since = std::chrono::steady_clock::now();
    auto save = [&](int64_t done) {
        model->save(out, GgmlType::F32, done);
        save_moments(moments_path, done, opt, settings);
    };
    for (int64_t step = start; step < steps; ++step) {
        // Images drawn with replacement, from (seed, step): a resumed run draws what
        // the uninterrupted one would have.
        for (int64_t i = 0; i < batch; ++i) {
            const auto u = philox_uniform(seed ^ 0x5eedba7c4ULL, static_cast<uint64_t>(step), static_cast<uint64_t>(i));
            const int64_t k = std::min<int64_t>(n_train - 1, static_cast<int64_t>(u * static_cast<double>(n_train)));
            std::copy_n(train.image(k), per_image, x0.data() + i * per_image);
            labels[static_cast<size_t>(i)] = train.labels[static_cast<size_t>(k)];
        }
        dit.zero_gradients();
        double loss =
            flow_matching_loss(dit, make_flow_batch(c, x0, labels, seed, static_cast<uint64_t>(step)), true);
        if (fault_injected("nan-loss", step + 1)) loss = std::nan("");
        if (!std::isfinite(loss))
            throw std::runtime_error("step " + std::to_string(step + 1) + ": the loss is " + std::to_string(loss) +
                                     "; lower --lr (" + out + " keeps its last save, step " +
                                     std::to_string(read_dit_training_steps(out)) + ")");
        opt.step(lr);
        loss_sum += loss;
        ++logged;
        const int64_t done = step + 1;
        if (done % log_every == 0 || done == steps) {
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
            std::printf("step %lld  loss %.4f  %.1f images/s\n", static_cast<long long>(done), loss_sum / logged,
                        static_cast<double>(logged * batch) / std::max(seconds, 1e-9));
            std::fflush(stdout);
            loss_sum = 0, logged = 0;
            since = std::chrono::steady_clock::now();
        }
        if ((save_every > 0 && done % save_every == 0) || done == steps) save(done);
    }
    std::printf("saved %s at step %lld\n", out.c_str(), steps);
    return 0;
}

}  // namespace qt::cli
