// quanttune-cli eval --model M --data D [--scales CKPT]
#include <cstdio>
#include <string>

#include "backend/cpu_backend.h"
#include "cli/cli_args.h"
#include "cli/commands.h"
#include "cli/model_path.h"
#include "methods/sparse_zo.h"
#include "train/training_session.h"
#include "train/zo_trainer.h"

namespace qt::cli {

const CommandSpec& eval_spec() {
    static const CommandSpec spec{
        "eval", "--model FILE --data FILE [options]",
        "Print the validation loss and label accuracy of a model or a training checkpoint (on the CPU).",
        {
            {"model", "FILE", "the GGUF model or a Hugging Face folder (required)"},
            quantize_to_option(),
            {"data", "FILE", "the dataset (required)"},
            {"scales", "CKPT", "evaluate the values a train checkpoint holds; its settings give the split defaults"},
            {"max-examples", "N", "evaluate the first N examples only; 0: all (default 0)"},
            {"max-length", "N", "tokens per example, longer ones are truncated (default 256, or the checkpoint's)"},
            {"validation-fraction", "F", "part of the dataset held out for validation, in [0, 1) (default 0.1, "
                                         "or the checkpoint's)"},
            {"seed", "S", "seed of the train/validation split (default 42, or the checkpoint's)"},
            {"threads", "N", "CPU threads; 0: all cores (default 0, or the checkpoint's)"},
            {"all", nullptr, "evaluate every example of the dataset, not only the validation part"},
            {"sparse", "FILE", "add a sparse-ZO run's trained values (its .sparse.qtsparse side file) to the model"},
        }};
    return spec;
}

int run_eval(const Args& args) {
    if (!args.positionals().empty()) throw UsageError("eval takes no positional arguments (use --model, --data)");
    TrainConfig c;
    std::string method = "qzo";
    if (args.has("scales")) {
        // The checkpoint's own settings decide the split and what was trained.
        const CheckpointInfo info = read_checkpoint_info(args.str("scales", ""));
        from_json(info.config, c);
        method = info.method;
    }
    c.method = method;
    c.model = args.str("model", c.model);
    c.data = args.str("data", c.data);
    c.max_length = static_cast<int>(args.integer("max-length", c.max_length));
    c.validation_fraction = args.number("validation-fraction", c.validation_fraction);
    c.seed = static_cast<uint64_t>(args.integer("seed", static_cast<long long>(c.seed)));
    c.threads = static_cast<int>(args.integer("threads", c.threads));
    if (c.model.empty() || c.data.empty()) throw UsageError("eval needs --model FILE and --data FILE");
    if (args.flag("all")) c.validation_fraction = 0;
    c.eval_examples = args.integer("max-examples", 0);
    validate(c);

    auto backend = make_cpu_backend(c.threads);
    c.model = resolve_model_path(c.model, args);
    LoadedModel m = open_model_for_training(c.model, *backend);
    const TrainData data = load_train_data(c, m);
    std::unique_ptr<SparseZo> sparse;
    if (args.has("sparse")) sparse = attach_sparse_side_file(args.str("sparse", ""), *m.model);
    std::unique_ptr<ZoParameters> params;
    if (args.has("scales")) {
        params = make_zo_parameters(c, *m.model);
        load_checkpoint(args.str("scales", ""), *params);
    }
    // Evaluate the validation part (or everything with --all) through the trainer's evaluator.
    TrainData eval_data;
    eval_data.train = args.flag("all") ? data.train : data.validation;
    if (eval_data.train.empty()) eval_data.train = data.train;
    eval_data.validation = eval_data.train;
    std::unique_ptr<ZoParameters> none;
    ZoParameters* p = params.get();
    if (!p) {
        none = make_zo_parameters(c, *m.model);  // untouched: evaluates the file's weights
        p = none.get();
    }
    ZoTrainer evaluator(*m.model, *p, c, eval_data);
    const EvalRecord e = evaluator.evaluate();
    std::printf("%s: %zu examples, loss %.4f over %lld target tokens", c.data.c_str(),
                c.eval_examples > 0 ? std::min<size_t>(eval_data.validation.size(), static_cast<size_t>(c.eval_examples))
                                    : eval_data.validation.size(),
                e.val_loss, static_cast<long long>(e.val_tokens));
    if (e.accuracy) std::printf(", label accuracy %.4f", *e.accuracy);
    std::printf("\n");
    return 0;
}

}  // namespace qt::cli
