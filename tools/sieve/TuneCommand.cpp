//===- TuneCommand.cpp - `sieve tune` -------------------------------------===//
//
// Autotuning for the GPU in this machine: the model's kernels compiled in
// every tile variant that can run on the target (the candidates, pruned
// before anything is compiled), each variant of each function with
// variants timed (KernelTimer: CUDA events, warm-up, L2 flushed, median)
// on scratch outputs, and the fastest recorded in the tuning database
// under (GPU, compute capability, driver, kernel signature, token bucket).
// `--list-candidates` prints the search space and the pruning without a
// GPU (and the --gpu-tiles list to compile ahead for a node without LLVM).
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SieveToGPU/TileCandidates.h"
#include "compiler/Driver/Compile.h"
#include "compiler/Pipelines/Stages.h"
#include "tools/sieve/Commands.h"
#include "tools/sieve/Input.h"

#include "runtime/Bundle/Bundle.h"
#include "runtime/Core/Error.h"
#include "runtime/Cuda/RoutingSupport.h"
#include "runtime/Tuning/BundleTuner.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

using namespace mlir;
using namespace mlir::sieve;
using namespace mlir::sieve::driver;
namespace cl = llvm::cl;
namespace rt = ::sieve::runtime;

cl::SubCommand mlir::sieve::driver::tuneCommand(
    "tune", "Time every tile variant of a model's GPU kernels on this GPU and "
            "record the fastest in the tuning database");

static cl::opt<std::string>
    tuneInput(cl::Positional, cl::Required,
              cl::desc("<model.yaml | input.mlir | bundle directory>"),
              cl::sub(tuneCommand));
static cl::opt<std::string>
    tuneTarget("target", cl::desc("sm_80 or sm_90a (default: the GPU's)"),
               cl::init(""), cl::sub(tuneCommand));
static cl::opt<std::string>
    tunePrecision("gpu-precision",
                  cl::desc("How CVMM computes: f32, tf32, f16 or bf16"),
                  cl::init("f32"), cl::sub(tuneCommand));
static cl::opt<int64_t> tuneTokens("tokens",
                                   cl::desc("Tokens per call to tune for"),
                                   cl::init(32768), cl::sub(tuneCommand));
static cl::opt<std::string> tuneDatabase(
    "db",
    cl::desc("Tuning database (default: tuning.json in the cache directory)"),
    cl::value_desc("file"), cl::init(""), cl::sub(tuneCommand));
static cl::opt<bool> tuneDeterministic(
    "deterministic",
    cl::desc("Leave out variants whose results vary from run to run "
             "(split-K's atomic adds)"),
    cl::init(false), cl::sub(tuneCommand));
static cl::opt<int> tuneWarmup("warmup", cl::desc("Untimed calls first"),
                               cl::init(3), cl::sub(tuneCommand));
static cl::opt<int> tuneRepetitions("repetitions",
                                    cl::desc("Timed calls (the median counts)"),
                                    cl::init(20), cl::sub(tuneCommand));
static cl::opt<bool> listCandidates(
    "list-candidates",
    cl::desc("Print the candidates and why any are pruned; no GPU needed"),
    cl::init(false), cl::sub(tuneCommand));
static cl::opt<std::string> tuneTensorDtype(
    "tensor-dtype",
    cl::desc("Model descriptions: the element type of the kernels' "
             "activations and weights (f32, bf16 or f16)"),
    cl::init("f32"), cl::sub(tuneCommand));
static cl::opt<std::string> tuneCacheDir("cache-dir",
                                         cl::desc("Kernel cache directory"),
                                         cl::value_desc("dir"), cl::init(""),
                                         cl::sub(tuneCommand));

namespace {

int fail(const std::string &message) {
  fmt::print(stderr, "sieve tune: error: {}\n", message);
  return 1;
}

std::string chipFor(int computeCapability) {
  if (computeCapability >= 90 && computeCapability < 100)
    return "sm_90a";
  if (computeCapability >= 80)
    return "sm_80";
  return "";
}

/// The kept candidates, comma-separated, the default first.
std::string keptTiles(const std::vector<TileCandidate> &candidates) {
  std::vector<std::string> kept;
  for (const TileCandidate &candidate : candidates)
    if (candidate.pruned.empty())
      kept.push_back(candidate.config.str());
  return llvm::join(kept, ",");
}

int printCandidates(const std::vector<TileCandidate> &candidates,
                    const std::string &chip) {
  size_t kept = 0;
  for (const TileCandidate &candidate : candidates) {
    kept += candidate.pruned.empty();
    fmt::print("{:<12} {}\n", candidate.config.str(),
               candidate.pruned.empty() ? "kept"
                                        : "pruned: " + candidate.pruned);
  }
  fmt::print("{} of {} candidates kept for {}; compile ahead with\n"
             "  sieve compile MODEL --target {} --gpu-tiles {}\n",
             kept, candidates.size(), chip, chip, keptTiles(candidates));
  return 0;
}

/// The bundle to time: a directory given, or the model compiled with every
/// kept candidate.
std::shared_ptr<rt::Bundle> bundleFor(const std::string &chip,
                                      const std::string &tiles,
                                      const std::string &cache,
                                      std::string &error) {
  if (llvm::sys::fs::is_directory(tuneInput))
    return rt::Bundle::load(tuneInput);
  DialectRegistry registry;
  registerSieveDialects(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module =
      readInput(context, sourceMgr, tuneInput, "sieve tune", tuneTensorDtype);
  if (!module) {
    error = "cannot read " + tuneInput;
    return nullptr;
  }
  CompileOptions options;
  options.outputDirectory =
      cache + "/tune/" + llvm::sys::path::stem(tuneInput).str() + "-" + chip +
      "-" + tunePrecision.getValue() + "-" + tuneTensorDtype.getValue();
  options.cacheDirectory = cache;
  options.source = llvm::sys::path::filename(tuneInput).str();
  options.target = chip;
  options.gpuPrecision = tunePrecision;
  options.gpuTiles = tiles;
  if (failed(compileToBundle(*module, options))) {
    error = "compiling " + tuneInput + " failed";
    return nullptr;
  }
  return rt::Bundle::load(options.outputDirectory);
}

} // namespace

int mlir::sieve::driver::runTuneCommand() {
  if (!llvm::is_contained(getGpuPrecisions(), tunePrecision))
    return fail("unknown --gpu-precision '" + tunePrecision.getValue() + "'");
  if (tuneTokens < 1)
    return fail("--tokens must be at least 1");
  if (!tuneTarget.empty() && tuneTarget != "sm_80" && tuneTarget != "sm_90a")
    return fail("--target must be sm_80 or sm_90a, got '" +
                tuneTarget.getValue() + "'");
  std::string whyNoGpu;
  std::unique_ptr<rt::cuda::GpuExecutor> executor;
  if (!listCandidates || tuneTarget.empty())
    executor = rt::cuda::GpuExecutor::create(&whyNoGpu);
  std::string chip = tuneTarget;
  if (chip.empty() && executor)
    chip = chipFor(executor->runtime().driver().computeCapability());
  if (chip.empty())
    return fail(executor ? "this GPU (" + executor->describeDevice() +
                               ") is neither sm_80 nor sm_90 class"
                         : "no GPU to tune on (" + whyNoGpu +
                               "); --list-candidates --target sm_80|sm_90a "
                               "works without one");
  std::vector<TileCandidate> candidates =
      tileCandidates(GpuBlockLimits::forChip(chip), tuneDeterministic);
  if (listCandidates)
    return printCandidates(candidates, chip);
  if (!executor)
    return fail("no GPU to time kernels on: " + whyNoGpu);

  try {
    std::string cache = tuneCacheDir.empty()
                            ? rt::cuda::RoutingSupport::defaultCacheDirectory()
                            : tuneCacheDir.getValue();
    std::string databasePath =
        tuneDatabase.empty() ? cache + "/tuning.json" : tuneDatabase.getValue();
    // A database that does not parse stops the run before any timing.
    rt::TuningDatabase database = rt::TuningDatabase::load(databasePath);
    std::string error;
    std::shared_ptr<rt::Bundle> bundle =
        bundleFor(chip, keptTiles(candidates), cache, error);
    if (!bundle)
      return fail(error);
    fmt::print("sieve tune: {} on {}, {} tokens\n", tuneInput.getValue(),
               executor->describeDevice(), tuneTokens.getValue());
    rt::BundleTuneOptions options;
    options.tokens = tuneTokens;
    options.timing.warmup = tuneWarmup;
    options.timing.repetitions = tuneRepetitions;
    options.deterministic = tuneDeterministic;
    options.log = [](const std::string &line) { fmt::print("{}\n", line); };
    size_t tuned = rt::tuneBundle(*bundle, *executor, database, options).size();
    fmt::print("sieve tune: {} functions tuned{}\n", tuned,
               tuneDeterministic ? " among deterministic variants only" : "");
    database.save(databasePath);
    fmt::print("sieve tune: {} entries in {}\n", database.size(), databasePath);
  } catch (const rt::Error &e) {
    return fail(e.what());
  }
  return 0;
}
