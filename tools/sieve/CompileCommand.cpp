//===- CompileCommand.cpp - `sieve compile` -------------------------------===//
//
// Compiles a module of sieve layers for the host or an NVIDIA GPU into a
// kernel bundle (kernels.so + manifest.json, and the PTX of each kernel
// module for a GPU), through the on-disk kernel cache.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SieveToGPU/TiledGemm.h"
#include "compiler/Driver/Compile.h"
#include "compiler/Pipelines/Stages.h"
#include "compiler/Target/Cuda/CudaTarget.h"
#include "tools/sieve/Commands.h"
#include "tools/sieve/Input.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

using namespace mlir;
using namespace mlir::sieve::driver;
namespace cl = llvm::cl;

cl::SubCommand mlir::sieve::driver::compileCommand(
    "compile", "Compile a model description's feed-forward kernels (or a "
               "module of sieve layers) into a kernel bundle");

static cl::opt<std::string> compileInput(cl::Positional, cl::Required,
                                         cl::desc("<model.yaml | input.mlir>"),
                                         cl::sub(compileCommand));
static cl::opt<std::string> outputDir("o", cl::Required,
                                      cl::desc("Bundle output directory"),
                                      cl::value_desc("dir"),
                                      cl::sub(compileCommand));
static cl::opt<std::string>
    targetName("target",
               cl::desc("Target to compile for: host, sm_80 or sm_90a"),
               cl::init("host"), cl::sub(compileCommand));
static cl::opt<std::string>
    hostCpu("host-cpu",
            cl::desc("CPU to generate host code for (default: this machine's; "
                     "x86-64-v3 for the host side of GPU targets)"),
            cl::value_desc("cpu"), cl::init(""), cl::sub(compileCommand));
static cl::opt<std::string> gpuPrecision(
    "gpu-precision",
    cl::desc("How GPU targets compute CVMM: f32 (exact FMAs), or tf32, f16, "
             "bf16 (tensor cores, f32 sums)"),
    cl::init("f32"), cl::sub(compileCommand));
static cl::opt<std::string> gpuTiles(
    "gpu-tiles",
    cl::desc("GPU targets: the CVMM tile configurations the bundle holds a "
             "variant of each entry point for, comma-separated MxNxKxSxP "
             "(warps along rows and columns, k-tile, pipeline stages, "
             "weight-gradient split-K), the default first"),
    cl::init(mlir::sieve::kDefaultGpuTiles), cl::sub(compileCommand));
static cl::opt<std::string> gpuDispatch(
    "gpu-dispatch",
    cl::desc("GPU targets: how the routed pairs are sorted by expert: "
             "generated (a counting sort in the bundle's kernels) or cub "
             "(the CUDA runtime's CUB kernels, built by NVRTC at run time)"),
    cl::init("generated"), cl::sub(compileCommand));
static cl::opt<std::string> compileTensorDtype(
    "tensor-dtype",
    cl::desc("Model descriptions: the element type of the kernels' "
             "activations and weights (f32, bf16 or f16)"),
    cl::init("f32"), cl::sub(compileCommand));
static cl::opt<std::string>
    cacheDir("cache-dir",
             cl::desc("Kernel cache directory (default: $SIEVE_CACHE_DIR, "
                      "$XDG_CACHE_HOME/sieve or ~/.cache/sieve)"),
             cl::value_desc("dir"), cl::init(""), cl::sub(compileCommand));

int mlir::sieve::driver::runCompileCommand() {
  if (!isKnownTarget(targetName)) {
    fmt::print(stderr,
               "sieve compile: error: unknown target '{}' (targets: {})\n",
               targetName.getValue(), llvm::join(getTargetNames(), ", "));
    return 1;
  }
  if (isGpuTarget(targetName) && !llvm::sys::fs::exists(libdevicePath())) {
    fmt::print(stderr,
               "sieve compile: error: compiling for {} needs the CUDA "
               "toolkit's libdevice, which is not at {} (set CUDA_HOME or "
               "SIEVE_CUDA_TOOLKIT)\n",
               targetName.getValue(), libdevicePath());
    return 1;
  }
  if (!llvm::is_contained(getGpuPrecisions(), gpuPrecision)) {
    fmt::print(stderr,
               "sieve compile: error: unknown --gpu-precision '{}' ({})\n",
               gpuPrecision.getValue(), llvm::join(getGpuPrecisions(), ", "));
    return 1;
  }
  if (!llvm::is_contained(getGpuDispatches(), gpuDispatch)) {
    fmt::print(stderr,
               "sieve compile: error: unknown --gpu-dispatch '{}' ({})\n",
               gpuDispatch.getValue(), llvm::join(getGpuDispatches(), ", "));
    return 1;
  }
  for (llvm::StringRef tiles : llvm::split(gpuTiles.getValue(), ',')) {
    std::optional<GemmTileConfig> config = GemmTileConfig::parse(tiles);
    std::string why = config ? config->invalidReason()
                             : "expected MxNxKxSxP, e.g. 2x2x16x1x1";
    if (!why.empty()) {
      fmt::print(stderr, "sieve compile: error: --gpu-tiles '{}': {}\n",
                 tiles.str(), why);
      return 1;
    }
  }
  if (!hostCpu.empty()) {
    std::string error;
    if (!HostTarget::named(hostCpu, error)) {
      fmt::print(stderr, "sieve compile: error: --host-cpu: {}\n", error);
      return 1;
    }
  }
  DialectRegistry registry;
  registerSieveDialects(registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = readInput(context, sourceMgr, compileInput,
                                           "sieve compile", compileTensorDtype);
  if (!module)
    return 1;

  CompileOptions options;
  options.outputDirectory = outputDir;
  options.cacheDirectory = cacheDir;
  options.source = llvm::sys::path::filename(compileInput).str();
  options.target = targetName;
  options.hostCpu = hostCpu;
  options.gpuPrecision = gpuPrecision;
  options.gpuTiles = gpuTiles;
  options.gpuDispatch = gpuDispatch;
  FailureOr<CompileOutcome> outcome = compileToBundle(*module, options);
  if (failed(outcome))
    return 1;
  for (const std::string &note : outcome->notes)
    fmt::print(stderr, "sieve compile: note: {}\n", note);
  fmt::print("sieve compile: {} -> {} ({}, {}, key {})\n",
             compileInput.getValue(), outputDir.getValue(),
             targetName.getValue(),
             outcome->cacheHit ? "cache hit" : "compiled",
             outcome->cacheKey.substr(0, 16));
  return 0;
}
