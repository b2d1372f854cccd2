//===- ModelCommands.cpp - `sieve train`, `sieve eval`, `sieve params` ----===//
//
// The language-model jobs: train a model description's Transformer-XL on
// its corpus (compiling its feed-forward kernels through the cache first),
// evaluate a trained model on the validation and test splits with the
// longer evaluation memory, and count a description's parameters.
//
//===----------------------------------------------------------------------===//

#include "models/lm/Checkpoint.h"
#include "models/lm/Cuda/CudaDenseOps.h"
#include "models/lm/MoweData.h"
#include "models/lm/ParameterCount.h"
#include "models/lm/Trainer.h"
#include "runtime/Core/Error.h"
#include "tools/sieve/Commands.h"
#include "tools/sieve/ModelSetup.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>

using namespace mlir::sieve::driver;
namespace cl = llvm::cl;
namespace lm = ::sieve::lm;
namespace model = ::sieve::model;

cl::SubCommand mlir::sieve::driver::trainCommand(
    "train", "Train a model description's language model on its corpus");
cl::SubCommand mlir::sieve::driver::evalCommand(
    "eval", "Evaluate a trained model on the validation and test splits");
cl::SubCommand mlir::sieve::driver::paramsCommand(
    "params", "Count a model description's parameters by component");

namespace {

cl::opt<std::string> trainModel(cl::Positional, cl::Required,
                                cl::desc("<model.yaml>"),
                                cl::sub(trainCommand));
cl::opt<std::string> trainOut("out",
                              cl::desc("Run directory (default: "
                                       "runs/<model name>)"),
                              cl::value_desc("dir"), cl::init(""),
                              cl::sub(trainCommand));
cl::opt<bool> trainResume("resume",
                          cl::desc("Continue from the run's checkpoint"),
                          cl::sub(trainCommand));
cl::opt<int64_t> trainSteps("steps",
                            cl::desc("Total steps (default: the model's)"),
                            cl::init(0), cl::sub(trainCommand));
cl::opt<int64_t> trainStopAfter(
    "stop-after",
    cl::desc("Stop after this step, as if interrupted (tests --resume)"),
    cl::init(0), cl::sub(trainCommand));
cl::opt<std::string> trainInitFrom(
    "init-from",
    cl::desc("Fine-tune: start from this run's trained weights "
             "(<run>/model.safetensors) instead of the initialisation"),
    cl::value_desc("run"), cl::init(""), cl::sub(trainCommand));
cl::opt<bool> trainFreezeExperts(
    "freeze-experts",
    cl::desc("Leave the MoWE experts as they are (fine-tuning, MoWE App. "
             "B.0.3)"),
    cl::sub(trainCommand));
cl::opt<std::string> trainCache("cache-dir", cl::desc("Kernel cache"),
                                cl::value_desc("dir"), cl::init(""),
                                cl::sub(trainCommand));
cl::opt<std::string> trainPrecision(
    "precision",
    cl::desc("f32, or bf16: the feed-forward kernels compute on bf16 "
             "tensors (on cuda and emulated, the dense GEMMs on bf16 "
             "operands too), the parameters and optimiser stay f32 (mixed "
             "precision; the default with --device cuda)"),
    cl::value_desc("f32|bf16"), cl::init(""), cl::sub(trainCommand));
cl::opt<std::string> trainDevice(
    "device",
    cl::desc("cpu (the host model), cuda (GPU training: the model's device "
             "program with cuBLAS and the compiled kernels), or emulated "
             "(that program on the host: slow, checks it without a GPU)"),
    cl::value_desc("cpu|cuda|emulated"), cl::init("cpu"),
    cl::sub(trainCommand));
cl::opt<std::string> trainTuningDb(
    "tuning-db",
    cl::desc("--device cuda: the tuning database choosing kernel variants "
             "(default: tuning.json in the NVRTC cache, as sieve tune)"),
    cl::value_desc("file"), cl::init(""), cl::sub(trainCommand));
cl::opt<bool> trainDeterministic(
    "deterministic",
    cl::desc("--device cuda: run only the tuning database's recorded "
             "variants (an error where it has none)"),
    cl::sub(trainCommand));

cl::opt<std::string> evalModel(cl::Positional, cl::Required,
                               cl::desc("<model.yaml>"), cl::sub(evalCommand));
cl::opt<std::string> evalRun("run",
                             cl::desc("Run directory with "
                                      "model.safetensors (default: "
                                      "runs/<model name>)"),
                             cl::value_desc("dir"), cl::init(""),
                             cl::sub(evalCommand));
cl::opt<int64_t> evalBatch("batch", cl::desc("Streams evaluated together"),
                           cl::init(16), cl::sub(evalCommand));
cl::opt<int64_t>
    evalSegments("max-segments",
                 cl::desc("Evaluate only this many segments per split"),
                 cl::init(0), cl::sub(evalCommand));
cl::opt<std::string> evalCache("cache-dir", cl::desc("Kernel cache"),
                               cl::value_desc("dir"), cl::init(""),
                               cl::sub(evalCommand));
cl::opt<std::string>
    evalPrecision("precision",
                  cl::desc("f32, or bf16: the feed-forward kernels (on "
                           "cuda and emulated, the dense GEMMs too) compute "
                           "on bf16 copies of the trained weights (the "
                           "default with --device cuda)"),
                  cl::value_desc("f32|bf16"), cl::init(""),
                  cl::sub(evalCommand));
cl::opt<std::string> evalDevice("device",
                                cl::desc("cpu, cuda or emulated (as for "
                                         "sieve train)"),
                                cl::value_desc("cpu|cuda|emulated"),
                                cl::init("cpu"), cl::sub(evalCommand));
cl::opt<std::string>
    evalTuningDb("tuning-db",
                 cl::desc("--device cuda: the tuning database (as for sieve "
                          "train)"),
                 cl::value_desc("file"), cl::init(""), cl::sub(evalCommand));

cl::opt<std::string> paramsModel(cl::Positional, cl::Required,
                                 cl::desc("<model.yaml>"),
                                 cl::sub(paramsCommand));

std::string number(double value) { return fmt::format("{:.6g}", value); }

/// --precision as given, or the device's default: bf16 on a GPU.
std::string precisionFor(const std::string &given, RunDevice device) {
  if (!given.empty())
    return given;
  return device == RunDevice::Cuda ? "bf16" : "f32";
}

} // namespace

int mlir::sieve::driver::runTrainCommand() {
  std::optional<RunDevice> device = parseDevice(trainDevice, "sieve train");
  std::optional<::sieve::runtime::DType> precision =
      device
          ? parsePrecision(precisionFor(trainPrecision, *device), "sieve train")
          : std::nullopt;
  std::optional<model::ModelDescription> d =
      precision ? readDescription(trainModel) : std::nullopt;
  if (!d)
    return 1;
  try {
    // Without a GPU, stop before anything is compiled or written.
    DeviceSetup setup;
    std::string target =
        *device == RunDevice::Cuda ? openGpu(setup) : std::string("host");
    std::string run = runDirectory(trainOut, *d);
    lm::ParameterCount count = lm::countModelParameters(*d);
    lm::Corpus corpus = loadCorpus(*d, trainCache);
    std::string fromVocabulary;
    if (!trainInitFrom.empty() &&
        std::filesystem::exists(lm::routingVocabularyPath(trainInitFrom)))
      fromVocabulary = lm::routingVocabularyPath(trainInitFrom);
    RoutingSummary routing =
        prepareRouting(*d, corpus, run, /*build=*/true, fromVocabulary);
    fmt::print(stderr,
               "sieve train: {} ({} parameters) on {} ({} training tokens), "
               "run {}\n",
               d->name, count.total(), corpus.source, corpus.train.size(), run);
    auto lmodel = buildModel(*d, run, trainCache, *precision, target);
    std::unique_ptr<lm::DeviceTraining> training;
    lm::TrainOptions options;
    if (*device != RunDevice::Cpu) {
      buildDeviceProgram(setup, *device, *lmodel, trainTuningDb,
                         trainDeterministic);
      training = std::make_unique<lm::DeviceTraining>(
          *setup.program, d->training.batchSize, d->transformer.memory);
      options.device = training.get();
    }
    options.outputDirectory = run;
    options.resume = trainResume;
    options.steps = trainSteps;
    options.stopAfter = trainStopAfter;
    options.progress = &std::cerr;
    if (!trainInitFrom.empty())
      options.initFrom = trainInitFrom + "/model.safetensors";
    options.freezeExperts = trainFreezeExperts;
    lm::TrainResult result = lm::trainModel(*lmodel, corpus, options);
    if (auto *gpu = dynamic_cast<lm::cuda::CudaDenseOps *>(setup.ops.get()))
      for (const std::string &line : gpu->variantChoices())
        fmt::print(stderr, "kernel variant: {}\n", line);
    std::ofstream json(run + "/train.json");
    json << "{\"model\": \"" << d->name
         << "\", \"parameters\": " << count.total() << ", \"device\": \""
         << trainDevice.getValue() << "\", \"precision\": \""
         << ::sieve::runtime::name(*precision) << "\", \"ffn_flop_share\": "
         << number(lm::feedForwardFlopShare(
                *d, d->transformer.context + d->transformer.memory,
                routing.meanActiveWidth));
    if (routing.routed)
      json << ", \"routing_tokens_per_s\": " << number(routing.tokensPerSecond)
           << ", \"routing_seconds\": " << number(routing.seconds)
           << ", \"mowe_mean_active_width\": "
           << number(routing.meanActiveWidth);
    json << ", \"steps\": " << result.lastStep
         << ", \"tokens_per_s\": " << number(result.tokensPerSecond())
         << ", \"seconds\": " << number(result.seconds)
         << ", \"last_loss\": " << number(result.lastLoss) << "}\n";
    fmt::print("sieve train: {} steps {}..{}, {:.0f} tokens/s, last loss "
               "{:.4f}; run {}\n",
               d->name, result.firstStep, result.lastStep,
               result.tokensPerSecond(), result.lastLoss, run);
  } catch (const ::sieve::runtime::Error &error) {
    fmt::print(stderr, "sieve train: error: {}\n", error.what());
    return 1;
  }
  return 0;
}

int mlir::sieve::driver::runEvalCommand() {
  std::optional<RunDevice> device = parseDevice(evalDevice, "sieve eval");
  std::optional<::sieve::runtime::DType> precision =
      device
          ? parsePrecision(precisionFor(evalPrecision, *device), "sieve eval")
          : std::nullopt;
  std::optional<model::ModelDescription> d =
      precision ? readDescription(evalModel) : std::nullopt;
  if (!d)
    return 1;
  try {
    DeviceSetup setup;
    std::string target =
        *device == RunDevice::Cuda ? openGpu(setup) : std::string("host");
    std::string run = runDirectory(evalRun, *d);
    auto lmodel = buildModel(*d, run, evalCache, *precision, target);
    lm::loadWeights(run + "/model.safetensors", *lmodel);
    if (*device != RunDevice::Cpu)
      buildDeviceProgram(setup, *device, *lmodel, evalTuningDb,
                         /*deterministic=*/false);
    lm::Corpus corpus = loadCorpus(*d, evalCache);
    prepareRouting(*d, corpus, run, /*build=*/false);
    bool bytes = d->tokenizer.kind == model::TokenizerKind::Bytes;
    std::string json = "{\"model\": \"" + d->name + "\", \"device\": \"" +
                       evalDevice.getValue() + "\", \"precision\": \"" +
                       ::sieve::runtime::name(*precision) + "\"";
    struct Split {
      const char *name;
      const std::vector<int32_t> *tokens, *routes;
    };
    for (auto [name, split, routes] :
         {Split{"valid", &corpus.valid, &corpus.validRoutes},
          Split{"test", &corpus.test, &corpus.testRoutes}}) {
      if (split->empty()) {
        fmt::print("{} {}: no {} split in the description's data\n", d->name,
                   name, name);
        continue;
      }
      const std::vector<int32_t> *ids =
          lmodel->needsRoutingIds() ? routes : nullptr;
      lm::EvalResult result =
          setup.program ? lm::evaluateModel(*setup.program, *split, evalBatch,
                                            evalSegments, ids)
                        : lm::evaluateModel(*lmodel, *split, evalBatch,
                                            evalSegments, ids);
      fmt::print("{} {}: {} over {} tokens (memory {})\n", d->name, name,
                 bytes ? fmt::format("{:.4f} bits per character",
                                     result.bitsPerToken())
                       : fmt::format("perplexity {:.2f}", result.perplexity()),
                 result.tokens, d->transformer.evalMemory);
      json += std::string(", \"") + name +
              "\": {\"bits_per_token\": " + number(result.bitsPerToken()) +
              ", \"perplexity\": " + number(result.perplexity()) +
              ", \"tokens\": " + std::to_string(result.tokens) + "}";
    }
    std::ofstream(run + "/eval.json") << json << "}\n";
  } catch (const ::sieve::runtime::Error &error) {
    fmt::print(stderr, "sieve eval: error: {}\n", error.what());
    return 1;
  }
  return 0;
}

int mlir::sieve::driver::runParamsCommand() {
  std::optional<model::ModelDescription> d = readDescription(paramsModel);
  if (!d)
    return 1;
  lm::ParameterCount count = lm::countModelParameters(*d);
  fmt::print("{}: {} parameters\n", d->name, count.total());
  fmt::print("  embedding     {:>12}\n", count.embedding);
  fmt::print("  attention     {:>12}\n", count.attention);
  fmt::print("  layer norms   {:>12}\n", count.layerNorms);
  fmt::print("  feed-forward  {:>12}", count.feedForward);
  for (const auto &[kind, parameters] : count.feedForwardByKind)
    fmt::print("  ({} {})", kind, parameters);
  fmt::print("\n  output        {:>12}\n", count.output);
  for (const model::DistinctFfn &block : model::distinctFfnBlocks(*d))
    if (!std::holds_alternative<model::DenseFfnConfig>(block.block.config))
      fmt::print("  parameter-equal dense d_ff for {}: {}\n",
                 model::summary(block.block.config),
                 lm::parameterEqualDenseWidth(block.block.config));
  fmt::print("  feed-forward share of forward FLOPs: {:.1f}%\n",
             100.0 * lm::feedForwardFlopShare(*d, d->transformer.context +
                                                      d->transformer.memory));
  return 0;
}
