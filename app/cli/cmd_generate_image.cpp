// quanttune-cli generate-image MODEL.gguf --out GRID.png [options]
// Samples a qt-dit model with the Euler sampler and classifier-free guidance
// (image/rectified_flow.h) and writes a PNG grid: a row a class, a column a seed.
// With --compare, a second model's samples of the same classes and seeds stand to
// the right (before | after).
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
#include "image/png_grid.h"

namespace qt::cli {

const CommandSpec& generate_image_spec() {
    static const CommandSpec spec{
        "generate-image", "MODEL.gguf --out GRID.png [options]",
        "Sample a pre-trained image model into a PNG grid (rows: classes, columns: seeds).",
        {
            {"out", "GRID.png", "the PNG to write (required), atomically"},
            {"classes", "LIST|all", "comma-separated classes, by name (sneaker, t-shirt...) or number 0-9 (default all)"},
            {"per-class", "N", "samples of each class: the columns, seeds SEED, SEED+1... (default 8)"},
            {"seed", "N", "the first column's seed; the same seed gives the same images (default 0)"},
            {"steps", "N", "Euler steps from noise to image (default 30)"},
            {"guidance", "W", "classifier-free guidance: 1 the conditional model alone, more for more class "
                              "likeness (default 2)"},
            {"compare", "OTHER.gguf", "also sample this model with the same classes and seeds, to the right "
                                      "(MODEL | OTHER)"},
            image_quantize_option(),
            {"scale", "N", "draw each pixel as N x N (default 2)"},
            {"threads", "N", "CPU threads, 0 to 1024; 0: all cores (default 0)"},
            {"device", "auto|cpu|cuda|cuda:N", "where to run; auto takes the first GPU, else the CPU (default auto)"},
        }};
    return spec;
}

int run_generate_image(const Args& args) {
    if (args.positionals().size() != 1) throw UsageError("generate-image takes one MODEL.gguf");
    if (!args.has("out")) throw UsageError("generate-image needs --out GRID.png");
    const std::string path = args.positionals()[0], out = args.str("out", "");
    const std::vector<int> classes = parse_image_classes("classes", args.str("classes", "all"));
    const long long per_class = args.integer("per-class", 8), scale = args.integer("scale", 2);
    const long long threads = args.integer("threads", 0);
    SamplerSettings s;
    s.seed = static_cast<uint64_t>(args.integer("seed", 0));
    const long long steps = args.integer("steps", 30);
    s.guidance = args.number("guidance", 2.0);
    if (per_class < 1 || per_class > 1024) throw UsageError("--per-class must be between 1 and 1024");
    if (steps < 1 || steps > 10000) throw UsageError("--steps must be between 1 and 10000");
    if (scale < 1 || scale > 64) throw UsageError("--scale must be between 1 and 64");
    if (!std::isfinite(s.guidance)) throw UsageError("--guidance must be a finite number");
    if (threads < 0 || threads > 1024) throw UsageError("--threads must be between 0 (all cores) and 1024");
    s.steps = static_cast<int>(steps);
    const std::optional<GgmlType> quantize = image_quantize_type(args);

    BackendChoice choice = make_backend(args.str("device", "auto"), static_cast<int>(threads));
    std::fprintf(stderr, "device: %s\n", choice.message.c_str());
    const auto begin = std::chrono::steady_clock::now();
    auto sample = [&](const std::string& file) {
        std::unique_ptr<DitModel> model = load_image_model(*choice.backend, file, quantize);
        check_fashion_mnist_model(*model, file);
        DitBackprop dit(*model);
        return sample_class_grid(dit, classes, static_cast<int>(per_class), s);
    };
    PngGridOptions o;
    o.cols = static_cast<int>(per_class);
    o.scale = static_cast<int>(scale);
    GreyImage grid = image_grid(sample(path), o);
    if (args.has("compare")) {
        const GreyImage right = image_grid(sample(args.str("compare", "")), o);
        // The two grids side by side, a white bar between them.
        const int bar = 2 * o.spacing * o.scale;
        GreyImage both;
        both.width = grid.width + bar + right.width;
        both.height = std::max(grid.height, right.height);
        both.pixels.assign(static_cast<size_t>(both.width) * both.height, o.background);
        for (int y = 0; y < both.height; ++y) {
            uint8_t* row = both.pixels.data() + static_cast<size_t>(y) * both.width;
            if (y < grid.height) std::copy_n(grid.pixels.data() + static_cast<size_t>(y) * grid.width, grid.width, row);
            std::fill_n(row + grid.width, bar, uint8_t{255});
            if (y < right.height)
                std::copy_n(right.pixels.data() + static_cast<size_t>(y) * right.width, right.width,
                            row + grid.width + bar);
        }
        grid = std::move(both);
    }
    write_png(out, grid);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    std::string rows;
    for (int k : classes) rows += (rows.empty() ? "" : ", ") + std::string(fashion_mnist_class_names()[static_cast<size_t>(k)]);
    std::printf("%s: %d x %d pixels; rows %s; %lld seeds from %llu; %d Euler steps, guidance %g%s%s (%.1f s)\n",
                out.c_str(), grid.width, grid.height, rows.c_str(), per_class,
                static_cast<unsigned long long>(s.seed), s.steps, s.guidance,
                quantize ? (", linear weights as " + std::string(ggml_type_name(*quantize))).c_str() : "",
                args.has("compare") ? (", " + path + " | " + args.str("compare", "")).c_str() : "", seconds);
    return 0;
}

}  // namespace qt::cli
