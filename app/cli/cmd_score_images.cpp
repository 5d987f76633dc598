// quanttune-cli score-images MODEL.gguf [options]
// How well a qt-dit model draws Fashion-MNIST: N class-conditional samples,
// balanced over the classes, read by the meter (image/image_fid.h, a classifier
// QuantTune trains once and caches): the share it labels as their conditioning
// class, and the Fréchet distance of its features to the test split's.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

#include "backend/backend_factory.h"
#include "cli/cli_args.h"
#include "cli/commands.h"
#include "cli/image_cli.h"
#include "image/fashion_mnist.h"
#include "image/image_fid.h"

namespace qt::cli {

const CommandSpec& score_images_spec() {
    static const CommandSpec spec{
        "score-images", "MODEL.gguf [options]",
        "Score an image model's samples: the meter's class accuracy and the Frechet distance to the test images.",
        {
            {"samples", "N", "samples, balanced over --classes (default 1000)"},
            {"classes", "LIST|all", "comma-separated classes, by name or number 0-9 (default all)"},
            {"seed", "N", "seed of the samples' noise (default 0)"},
            {"steps", "N", "Euler steps from noise to image (default 30)"},
            {"guidance", "W", "classifier-free guidance (default 2)"},
            {"batch", "N", "images sampled together (default 100)"},
            image_quantize_option(),
            {"data", "DIR", "Fashion-MNIST's folder (default: $QUANTTUNE_FASHION_MNIST, else Debian's)"},
            {"threads", "N", "CPU threads, 0 to 1024; 0: all cores (default 0)"},
            {"device", "auto|cpu|cuda|cuda:N", "where to sample; auto takes the first GPU, else the CPU (default auto)"},
        }};
    return spec;
}

int run_score_images(const Args& args) {
    if (args.positionals().size() != 1) throw UsageError("score-images takes one MODEL.gguf");
    const std::string path = args.positionals()[0];
    const std::vector<int> classes = parse_image_classes("classes", args.str("classes", "all"));
    const long long samples = args.integer("samples", 1000), batch = args.integer("batch", 100);
    const long long steps = args.integer("steps", 30), threads = args.integer("threads", 0);
    SamplerSettings s;
    s.seed = static_cast<uint64_t>(args.integer("seed", 0));
    s.guidance = args.number("guidance", 2.0);
    if (samples < 2 || samples > 1000000) throw UsageError("--samples must be between 2 and 1000000");
    if (batch < 1 || batch > 65536) throw UsageError("--batch must be between 1 and 65536");
    if (steps < 1 || steps > 10000) throw UsageError("--steps must be between 1 and 10000");
    if (!std::isfinite(s.guidance)) throw UsageError("--guidance must be a finite number");
    if (threads < 0 || threads > 1024) throw UsageError("--threads must be between 0 (all cores) and 1024");
    s.steps = static_cast<int>(steps);
    const std::optional<GgmlType> quantize = image_quantize_type(args);

    const std::string dir = args.has("data") ? args.str("data", "") : fashion_mnist_dir();
    BackendChoice choice = make_backend(args.str("device", "auto"), static_cast<int>(threads));
    std::fprintf(stderr, "device: %s\n", choice.message.c_str());
    std::unique_ptr<DitModel> model = load_image_model(*choice.backend, path, quantize);
    check_fashion_mnist_model(*model, path);
    DitBackprop dit(*model);

    // Sample i is of class classes[i % k]; batches draw seeds seed, seed + 1, ...
    const auto begin = std::chrono::steady_clock::now();
    ImageSet generated;
    generated.width = generated.height = kFashionMnistSide;
    for (long long at = 0; at < samples; at += batch) {
        const long long n = std::min(batch, samples - at);
        std::vector<int32_t> batch_classes;
        for (long long i = at; i < at + n; ++i) batch_classes.push_back(classes[static_cast<size_t>(i) % classes.size()]);
        SamplerSettings bs = s;
        bs.seed = s.seed + static_cast<uint64_t>(at / batch);
        const std::vector<float> images = sample_images(dit, batch_classes, bs);
        generated.pixels.insert(generated.pixels.end(), images.begin(), images.end());
        for (int32_t k : batch_classes) generated.labels.push_back(static_cast<uint8_t>(k));
    }
    const double sample_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    for (float v : generated.pixels)
        if (!std::isfinite(v)) throw std::runtime_error(path + ": the samples are not finite (the model diverged)");

    std::fprintf(stderr, "meter: %s (trained and cached on first use, about a minute)\n",
                 default_fashion_classifier_path().c_str());
    const ImageSet train = load_fashion_mnist(dir, FashionMnistSplit::Train);
    const ImageClassifier meter = fashion_mnist_meter(train);
    const ImageSet test = load_fashion_mnist(dir, FashionMnistSplit::Test);
    const double accuracy = meter.accuracy(generated);
    const double fd = image_frechet_distance(meter, generated, test);
    std::printf("%s%s: %lld samples (%d Euler steps, guidance %g, seed %llu) in %.1f s\n", path.c_str(),
                quantize ? (" as " + std::string(ggml_type_name(*quantize))).c_str() : "", samples, s.steps,
                s.guidance, static_cast<unsigned long long>(s.seed), sample_seconds);
    std::printf("accuracy %.4f (the meter labels %lld of %lld samples as their class)\n", accuracy,
                static_cast<long long>(std::llround(accuracy * static_cast<double>(samples))), samples);
    std::printf("frechet distance %.3f (meter features, against the %lld test images)\n", fd,
                static_cast<long long>(test.size()));
    return 0;
}

}  // namespace qt::cli
