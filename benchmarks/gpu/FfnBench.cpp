//===- FfnBench.cpp - σ-MoE against the cuBLAS dense MLP on a GPU ---------===//
//
//   sieve-gpu-ffn-bench --plan            the bundles to compile (name,
//                                         tensor dtype, --gpu-precision)
//   sieve-gpu-ffn-bench --model-yaml NAME the model description of one
//   sieve-gpu-ffn-bench BUNDLES [--tokens N] [--repetitions N]
//                       [--json FILE] [--tuning-db FILE] [--only TEXT]
//
// For each σ-MoE configuration of the plan (FfnBenchPlan.h), side by side
// in one run: the bundle's tile variants are tuned (BundleTuner: CUDA
// events, L2 flushed, median) and the chosen ones timed as one training
// forward + backward; the cuBLAS dense MLP with the same parameters and
// with the same active FLOPs is timed the same way. Each reports the
// median milliseconds, TFLOP/s (12·|B|·K·d·G for σ-MoE, 12·|B|·d·d_ff
// dense) and the peak device memory of one forward + backward (its
// tensors and temporaries, from the caching allocator). Then the PKM value
// gather-sum against the DRAM bandwidth. Writes JSON and prints a table;
// says which of issue 6's H100 targets were met. Without a GPU it says so
// and exits 77.
//
//===----------------------------------------------------------------------===//

#include "benchmarks/gpu/CublasMlp.h"
#include "benchmarks/gpu/FfnBenchPlan.h"

#include "runtime/Bundle/Bundle.h"
#include "runtime/Bundle/RandomInputs.h"
#include "runtime/Core/Error.h"
#include "runtime/Cuda/KernelTimer.h"
#include "runtime/Cuda/RoutingSupport.h"
#include "runtime/Tuning/BundleTuner.h"
#include "runtime/Tuning/VariantChoice.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

using namespace sieve;
using namespace sieve::bench;
using namespace sieve::runtime;
using namespace sieve::runtime::cuda;
using json = nlohmann::json;

namespace {

struct Options {
  std::string bundles, jsonPath, tuningDb, only;
  int64_t tokens = 32768;
  int repetitions = 20;
};

/// One measured forward + backward.
struct Measured {
  double ms = 0, tflops = 0;
  size_t peakBytes = 0;
};

json toJson(const Measured &m) {
  return {
      {"median_ms", m.ms}, {"tflops", m.tflops}, {"peak_bytes", m.peakBytes}};
}

/// Peak device memory of what `run` allocates and touches, beyond what
/// was in use before.
template <typename Setup, typename Run>
size_t peakOf(GpuExecutor &executor, Setup &&setup, Run &&run) {
  CachingAllocator &allocator = executor.runtime().allocator();
  size_t base = allocator.stats().bytesInUse;
  allocator.resetPeak();
  setup();
  run();
  executor.synchronize("the measured step");
  return allocator.stats().peakBytesInUse - base;
}

/// A bundle's training forward and the backward derived from it.
struct TrainingPair {
  const FunctionSpec *forward = nullptr, *backward = nullptr;
};

TrainingPair trainingPair(const Bundle &bundle) {
  const std::string suffix = "_forward_train";
  for (const FunctionSpec &fn : bundle.manifest().functions)
    if (fn.name.size() > suffix.size() &&
        fn.name.compare(fn.name.size() - suffix.size(), suffix.size(),
                        suffix) == 0)
      return {&fn, &bundle.function(
                       fn.name.substr(0, fn.name.size() - suffix.size()) +
                       "_backward")};
  throw Error("the bundle has no *_forward_train function");
}

/// The σ-MoE bundle's training forward and backward on device tensors.
class MoeStep {
public:
  MoeStep(GpuExecutor &executor, const Bundle &bundle, TrainingPair pair,
          int64_t tokens, size_t forwardVariant, size_t backwardVariant)
      : executor_(executor), bundle_(bundle), tokens_(tokens),
        forwardVariant_(forwardVariant), backwardVariant_(backwardVariant),
        forward_(pair.forward), backward_(pair.backward) {}

  /// Draws the inputs and allocates every output.
  void allocate() {
    std::mt19937 rng(5);
    for (const FunctionSpec *fn : {forward_, backward_})
      bind(*fn, rng, fn == forward_ ? forwardIn_ : backwardIn_,
           fn == forward_ ? forwardOut_ : backwardOut_,
           fn == forward_ ? forwardScalars_ : backwardScalars_);
  }

  void clearOutputs() {
    for (auto *outputs : {&forwardOut_, &backwardOut_})
      for (DeviceTensor *output : *outputs)
        executor_.zero(*output);
  }

  void run() {
    executor_.call(bundle_, forward_->name, forwardIn_, forwardScalars_,
                   forwardOut_, forwardVariant_);
    executor_.call(bundle_, backward_->name, backwardIn_, backwardScalars_,
                   backwardOut_, backwardVariant_);
  }

private:
  void bind(const FunctionSpec &fn, std::mt19937 &rng,
            std::vector<const DeviceTensor *> &in,
            std::vector<DeviceTensor *> &out, std::vector<int64_t> &scalars) {
    for (const ArgSpec &arg : fn.args) {
      if (arg.kind == ArgKind::Scalar) {
        scalars.push_back(20261123);
        continue;
      }
      if (!named_.count(arg.name))
        named_.emplace(
            arg.name,
            arg.kind == ArgKind::Input
                ? executor_.upload(randomInput(arg, tokens_, rng))
                : executor_.allocate(arg.dtype, arg.shapeFor(tokens_)));
      if (arg.kind == ArgKind::Input)
        in.push_back(&named_.at(arg.name));
      else
        out.push_back(&named_.at(arg.name));
    }
  }

  GpuExecutor &executor_;
  const Bundle &bundle_;
  int64_t tokens_;
  size_t forwardVariant_, backwardVariant_;
  const FunctionSpec *forward_, *backward_;
  std::map<std::string, DeviceTensor> named_;
  std::vector<const DeviceTensor *> forwardIn_, backwardIn_;
  std::vector<DeviceTensor *> forwardOut_, backwardOut_;
  std::vector<int64_t> forwardScalars_, backwardScalars_;
};

Measured measureDense(GpuExecutor &executor, Cublas &cublas, KernelTimer &timer,
                      const MoeBenchConfig &config, int64_t dff,
                      const Options &options) {
  DType dtype = config.tensorDtype() == "bf16" ? DType::BF16 : DType::F32;
  GemmMath math = config.precision == "tf32" ? GemmMath::Tf32 : GemmMath::Exact;
  std::unique_ptr<CublasMlp> mlp;
  Measured m;
  m.peakBytes = peakOf(
      executor,
      [&] {
        mlp = std::make_unique<CublasMlp>(
            executor, cublas, dtype, math, options.tokens, config.dModel, dff,
            RoutingSupport::defaultCacheDirectory());
      },
      [&] {
        mlp->forward();
        mlp->backward();
      });
  m.ms = timer.medianMs([] {},
                        [&] {
                          mlp->forward();
                          mlp->backward();
                        });
  m.tflops = denseFlops(config.dModel, dff, options.tokens) / (m.ms * 1e9);
  return m;
}

json measureMoe(GpuExecutor &executor, Cublas &cublas, KernelTimer &timer,
                TuningDatabase &database, const MoeBenchConfig &config,
                const Options &options) {
  std::string directory = options.bundles + "/" + config.name();
  if (!std::filesystem::exists(directory + "/manifest.json"))
    throw Error("no bundle " + config.name() + " in " + options.bundles +
                " (benchmarks/gpu/bundles.sh compiles them)");
  std::shared_ptr<Bundle> bundle = Bundle::load(directory);

  BundleTuneOptions tuning;
  tuning.tokens = options.tokens;
  tuning.timing.repetitions = options.repetitions;
  tuneBundle(*bundle, executor, database, tuning);
  DeviceIdentity device = deviceIdentity(executor.runtime().driver());
  auto choose = [&](const FunctionSpec &fn) {
    TuningKey key{device, kernelSignature(bundle->manifest(), fn),
                  tokenBucket(options.tokens)};
    return chooseVariant(fn, &database, key, false);
  };

  TrainingPair pair = trainingPair(*bundle);
  VariantChoice forward = choose(*pair.forward);
  VariantChoice backward = choose(*pair.backward);
  MoeStep step(executor, *bundle, pair, options.tokens, forward.variant,
               backward.variant);
  Measured moe;
  moe.peakBytes = peakOf(
      executor, [&] { step.allocate(); }, [&] { step.run(); });
  moe.ms = timer.medianMs([&] { step.clearOutputs(); }, [&] { step.run(); });
  moe.tflops = moeFlops(config, options.tokens) / (moe.ms * 1e9);

  int64_t paramDff = parameterEqualDff(config), flopDff = flopEqualDff(config);
  Measured paramEqual =
      measureDense(executor, cublas, timer, config, paramDff, options);
  Measured flopEqual =
      measureDense(executor, cublas, timer, config, flopDff, options);

  json result = {
      {"name", config.name()},
      {"d_model", config.dModel},
      {"experts", config.experts},
      {"expert_size", config.expertSize},
      {"k", config.k},
      {"tensor_dtype", config.tensorDtype()},
      {"precision", config.precision},
      {"tiles", {{"forward_train", forward.why}, {"backward", backward.why}}},
      {"sigma_moe", toJson(moe)},
      {"dense_parameter_equal", toJson(paramEqual)},
      {"dense_flop_equal", toJson(flopEqual)},
  };
  result["dense_parameter_equal"]["d_ff"] = paramDff;
  result["dense_flop_equal"]["d_ff"] = flopDff;
  result["time_vs_parameter_equal"] = moe.ms / paramEqual.ms;
  result["time_vs_flop_equal"] = moe.ms / flopEqual.ms;
  std::printf(
      "| %s | %.3f ms, %.0f TFLOP/s, %.0f MiB | %lld: %.3f ms, %.0f "
      "TFLOP/s, %.0f MiB | %lld: %.3f ms, %.0f MiB | %.2f× |\n",
      config.name().c_str(), moe.ms, moe.tflops, moe.peakBytes / 1048576.0,
      static_cast<long long>(paramDff), paramEqual.ms, paramEqual.tflops,
      paramEqual.peakBytes / 1048576.0, static_cast<long long>(flopDff),
      flopEqual.ms, flopEqual.peakBytes / 1048576.0, moe.ms / paramEqual.ms);
  std::fflush(stdout);
  return result;
}

json measureGatherSum(GpuExecutor &executor, KernelTimer &timer,
                      const Options &options) {
  std::string directory = options.bundles + "/gather-sum";
  std::shared_ptr<Bundle> bundle = Bundle::load(directory);
  const FunctionSpec &fn = bundle->function("pkm_values");
  GatherSumBenchConfig config;
  std::mt19937 rng(9);
  // Rows drawn over the whole table, so that they come from DRAM.
  Tensor indices(DType::I32, {options.tokens, config.selected});
  std::uniform_int_distribution<int32_t> row(0, int32_t(config.rows - 1));
  for (int64_t i = 0; i < indices.numel(); ++i)
    indices.data<int32_t>()[i] = row(rng);
  std::vector<DeviceTensor> inputs;
  for (const ArgSpec &arg : fn.args)
    if (arg.kind == ArgKind::Input)
      inputs.push_back(arg.name == "indices" ? executor.upload(indices)
                                             : executor.upload(randomInput(
                                                   arg, options.tokens, rng)));
  DeviceTensor y =
      executor.allocate(DType::F32, {options.tokens, config.dModel});
  std::vector<const DeviceTensor *> in;
  for (auto &input : inputs)
    in.push_back(&input);
  std::vector<DeviceTensor *> out = {&y};
  const Driver &driver = executor.runtime().driver();
  double ms =
      timer.medianMs([&] { executor.zero(y); },
                     [&] { executor.call(*bundle, fn.name, in, {}, out); });
  double bytes = config.bytesMoved(options.tokens);
  double peak =
      peakDramBytesPerSecond(driver.attribute(kAttributeMemoryClockRate),
                             driver.attribute(kAttributeGlobalMemoryBusWidth));
  // What a device-to-device copy reaches, for scale (it reads and writes).
  DeviceTensor from = executor.allocate(DType::F32, {int64_t(1) << 28});
  DeviceTensor to = executor.allocate(DType::F32, {int64_t(1) << 28});
  double copyMs =
      timer.medianMs([] {},
                     [&] {
                       driver.check(driver.api().cuMemcpyDtoDAsync(
                                        to.address(), from.address(),
                                        to.bytes(), executor.stream()),
                                    "copying");
                     });
  double achieved = bytes / (ms * 1e-3);
  double copy = 2.0 * double(to.bytes()) / (copyMs * 1e-3);
  std::printf("gather-sum: %lld tokens x %lld rows of %lld: %.3f ms, %.0f "
              "GB/s = %.1f%% of the %.0f GB/s peak (a copy reaches %.0f "
              "GB/s)\n",
              static_cast<long long>(options.tokens),
              static_cast<long long>(config.selected),
              static_cast<long long>(config.dModel), ms, achieved / 1e9,
              100 * achieved / peak, peak / 1e9, copy / 1e9);
  return {{"tokens", options.tokens},
          {"table_rows", config.rows},
          {"d_model", config.dModel},
          {"selected_rows", config.selected},
          {"median_ms", ms},
          {"bytes_moved", bytes},
          {"bytes_per_second", achieved},
          {"peak_dram_bytes_per_second", peak},
          {"copy_bytes_per_second", copy},
          {"fraction_of_peak", achieved / peak}};
}

json targets(const json &moe, const json &gatherSum) {
  json list = json::array();
  for (const json &row : moe)
    if (row["name"] == "moe-d1024-e32-g128-k4-bf16") {
      double tflops = row["sigma_moe"]["tflops"];
      double ratio = row["time_vs_parameter_equal"];
      list.push_back({{"target", "bf16 sigma-MoE d1024 N_E 32 >= 450 TFLOP/s"},
                      {"measured", tflops},
                      {"met", tflops >= kTargetBf16Tflops}});
      list.push_back(
          {{"target", "bf16 sigma-MoE d1024 N_E 32 <= 0.3x parameter-equal "
                      "dense time"},
           {"measured", ratio},
           {"met", ratio <= kTargetTimeVsParameterEqualDense}});
    }
  if (!gatherSum.is_null()) {
    double fraction = gatherSum["fraction_of_peak"];
    list.push_back({{"target", "PKM gather-sum >= 85% of HBM bandwidth"},
                    {"measured", fraction},
                    {"met", fraction >= kTargetGatherSumFractionOfHbm}});
  }
  return list;
}

int usage() {
  std::fprintf(stderr,
               "usage: sieve-gpu-ffn-bench --plan | --model-yaml NAME |\n"
               "       sieve-gpu-ffn-bench BUNDLES [--tokens N] "
               "[--repetitions N] [--json FILE] [--tuning-db FILE] "
               "[--only TEXT]\n");
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  if (argc == 2 && std::strcmp(argv[1], "--plan") == 0) {
    for (const MoeBenchConfig &config : moeBenchPlan())
      std::printf("%s %s %s\n", config.name().c_str(),
                  config.tensorDtype().c_str(), config.precision.c_str());
    return 0;
  }
  if (argc == 3 && std::strcmp(argv[1], "--model-yaml") == 0) {
    for (const MoeBenchConfig &config : moeBenchPlan())
      if (config.name() == argv[2]) {
        std::fputs(config.modelYaml().c_str(), stdout);
        return 0;
      }
    std::fprintf(stderr,
                 "sieve-gpu-ffn-bench: no configuration '%s' in the "
                 "plan (--plan lists them)\n",
                 argv[2]);
    return 1;
  }
  if (argc < 2 || argv[1][0] == '-')
    return usage();
  Options options;
  options.bundles = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc)
      return usage();
    std::string value = argv[++i];
    char *end = nullptr;
    if (flag == "--tokens")
      options.tokens = std::strtoll(value.c_str(), &end, 10);
    else if (flag == "--repetitions")
      options.repetitions = int(std::strtol(value.c_str(), &end, 10));
    else if (flag == "--json")
      options.jsonPath = value;
    else if (flag == "--tuning-db")
      options.tuningDb = value;
    else if (flag == "--only")
      options.only = value;
    else
      return usage();
    if (end &&
        (*end != '\0' || options.tokens < 1 || options.repetitions < 1)) {
      std::fprintf(stderr,
                   "sieve-gpu-ffn-bench: %s wants a positive integer, "
                   "got '%s'\n",
                   flag.c_str(), value.c_str());
      return 2;
    }
  }

  std::string why;
  auto executor = GpuExecutor::create(&why);
  if (!executor) {
    std::printf("sieve-gpu-ffn-bench: no GPU: %s\n", why.c_str());
    return 77;
  }
  try {
    auto cublas = Cublas::create(*executor, &why);
    if (!cublas)
      throw Error(why);
    TuningDatabase database = options.tuningDb.empty()
                                  ? TuningDatabase()
                                  : TuningDatabase::load(options.tuningDb);
    TimingOptions timing;
    timing.repetitions = options.repetitions;
    KernelTimer timer(*executor, timing);
    std::printf("GPU: %s; %s; %lld tokens, median of %d\n",
                executor->describeDevice().c_str(), cublas->version().c_str(),
                static_cast<long long>(options.tokens), options.repetitions);
    std::printf("| block | σ-MoE fwd+bwd | dense, same parameters (d_ff) | "
                "dense, same FLOPs (d_ff) | σ-MoE / dense same params |\n"
                "|---|---|---|---|---|\n");
    json moe = json::array();
    for (const MoeBenchConfig &config : moeBenchPlan())
      if (config.name().find(options.only) != std::string::npos)
        moe.push_back(
            measureMoe(*executor, *cublas, timer, database, config, options));
    json gatherSum;
    if (std::string("gather-sum").find(options.only) != std::string::npos)
      gatherSum = measureGatherSum(*executor, timer, options);
    json report = {{"device", executor->describeDevice()},
                   {"cublas", cublas->version()},
                   {"tokens", options.tokens},
                   {"repetitions", options.repetitions},
                   {"moe", moe},
                   {"gather_sum", gatherSum},
                   {"targets", targets(moe, gatherSum)}};
    for (const json &target : report["targets"])
      std::printf("target %s: %s (measured %.3g)\n",
                  target["target"].get<std::string>().c_str(),
                  target["met"].get<bool>() ? "met" : "NOT met",
                  target["measured"].get<double>());
    if (!options.tuningDb.empty())
      database.save(options.tuningDb);
    if (!options.jsonPath.empty()) {
      std::ofstream out(options.jsonPath);
      out << report.dump(2) << "\n";
      if (!out)
        throw Error("cannot write " + options.jsonPath);
    }
  } catch (const Error &error) {
    std::fprintf(stderr, "sieve-gpu-ffn-bench: %s\n", error.what());
    return 1;
  }
  return 0;
}
