//===- Stages.cpp - the compiler's named stages ---------------------------===//

#include "compiler/Pipelines/Stages.h"

#include "compiler/Conversion/Passes.h"
#include "compiler/Conversion/SieveToVector/GemmTunables.h"
#include "compiler/Target/Cuda/CudaTarget.h"
#include "compiler/Target/Host/HostTarget.h"
#include "compiler/Transforms/Passes.h"
#include "dialects/Sieve/IR/SieveDialect.h"
#include "dialects/Sieve/Transforms/Adjoint/AdjointOpInterfaceImpl.h"
#include "dialects/Sieve/Transforms/BufferizableOpInterfaceImpl.h"
#include "dialects/Sieve/Transforms/Passes.h"
#include "dialects/Sieve/Transforms/ValueBoundsOpInterfaceImpl.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassRegistry.h"

#include <map>
#include <mutex>

using namespace mlir;
using namespace mlir::sieve;

namespace {

constexpr StringRef kTargetNames[] = {"host", "sm_80", "sm_90a"};

const Stage kLayers = {"layers",
                       "the input: sieve layer ops, parsed and verified", ""};
const Stage kPrimitives = {
    "primitives",
    "layer ops decomposed into sieve primitives and linalg/tensor/arith/math",
    "sieve-decompose,sieve-generate-backward,"
    "resolve-ranked-shaped-type-result-dims,canonicalize,cse"};
const Stage kBuffers = {
    "buffers",
    "on memrefs: 16-bit reductions summed in f32, one-shot bufferization, "
    "results as caller-provided output "
    "buffers, temporaries freed",
    "sieve-decompose-aggregated-ops,sieve-widen-accumulators,canonicalize,"
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-results-to-out-params{hoist-dynamic-allocs hoist-static-allocs "
    "modify-public-functions},buffer-deallocation-pipeline,canonicalize"};

std::vector<Stage> hostStages() {
  return {
      kLayers,
      kPrimitives,
      kBuffers,
      {"loops",
       "GEMMs as register-tiled vector loops, other primitives and linalg "
       "ops as loops, independent iterations as scf.parallel",
       "sieve-convert-gemms-to-vector{" + GemmTunables().passOptions() +
           "},sieve-convert-to-scf,convert-linalg-to-parallel-loops,"
           "canonicalize,cse"},
      {"llvm",
       "the LLVM dialect with OpenMP regions, a C interface per entry point",
       "sieve-mark-entry-points,convert-scf-to-openmp,expand-strided-metadata,"
       "finalize-memref-to-llvm,convert-scf-to-cf,convert-to-llvm,"
       "reconcile-unrealized-casts"},
  };
}

std::vector<Stage> gpuStages(StringRef chip, StringRef precision,
                             StringRef tiles, StringRef dispatch) {
  std::string wgmma = chip == "sm_90a" ? " wgmma=true" : "";
  std::string target = "nvvm-attach-target{chip=" + chip.str() +
                       " features=" + ptxFeaturesFor(chip) + " O=3}";
  return {
      kLayers,
      kPrimitives,
      kBuffers,
      {"loops",
       std::string(dispatch == "cub"
                       ? "dispatch as a call of the runtime's CUB sort, "
                       : "") +
           "CVMM and its weight gradient as tiled " + precision.str() +
           " GEMM kernels, one variant of each CVMM entry point per tile "
           "configuration, the other primitives and linalg ops as loops "
           "(matmuls reducing over tokens in chunks), independent "
           "iterations as scf.parallel",
       std::string(dispatch == "cub" ? "sieve-convert-dispatch-to-runtime,"
                                     : "") +
           "sieve-expand-gpu-tile-variants{tiles=" + tiles.str() + wgmma +
           "},sieve-convert-cvmm-to-gpu{precision=" + precision.str() + wgmma +
           "},sieve-convert-to-scf{gpu=true},sieve-split-matmul-reductions,"
           "convert-linalg-to-parallel-loops,"
           "canonicalize,cse"},
      {"kernels",
       "every loop nest and serial run a gpu.launch, outlined into "
       "gpu.module kernels; sizes and allocations on the host",
       "sieve-map-loops-to-gpu,gpu-kernel-outlining,canonicalize,cse"},
      {"llvm",
       "kernels in the NVVM dialect for " + chip.str() +
           ", the host side in the LLVM dialect calling the GPU runtime",
       "sieve-mark-entry-points," + target +
           ",convert-scf-to-cf,convert-nvgpu-to-nvvm,"
           "gpu.module(convert-vector-to-llvm,convert-gpu-to-nvvm),"
           "expand-strided-metadata,"
           "finalize-memref-to-llvm{use-generic-functions},gpu-to-llvm,"
           "convert-to-llvm,reconcile-unrealized-casts"},
      {"ptx",
       "each kernel module serialised to PTX for " + chip.str() +
           " by LLVM's NVPTX back end (libdevice linked)",
       "gpu-module-to-binary{format=isa toolkit=" + cudaToolkitDirectory() +
           "}"},
  };
}

} // namespace

ArrayRef<StringRef> mlir::sieve::getTargetNames() { return kTargetNames; }

bool mlir::sieve::isKnownTarget(StringRef target) {
  return llvm::is_contained(kTargetNames, target);
}

bool mlir::sieve::isGpuTarget(StringRef target) {
  return isKnownTarget(target) && target != "host";
}

ArrayRef<StringRef> mlir::sieve::getGpuPrecisions() {
  static constexpr StringRef precisions[] = {"f32", "tf32", "f16", "bf16"};
  return precisions;
}

ArrayRef<StringRef> mlir::sieve::getGpuDispatches() {
  static constexpr StringRef dispatches[] = {"generated", "cub"};
  return dispatches;
}

ArrayRef<Stage> mlir::sieve::getStages(StringRef target, StringRef gpuPrecision,
                                       StringRef gpuTiles,
                                       StringRef gpuDispatch) {
  static const std::vector<Stage> host = hostStages();
  static std::mutex mutex;
  static std::map<std::string, std::vector<Stage>> gpu;
  if (target == "host")
    return host;
  if (!isGpuTarget(target) ||
      !llvm::is_contained(getGpuPrecisions(), gpuPrecision) ||
      !llvm::is_contained(getGpuDispatches(), gpuDispatch))
    return {};
  std::lock_guard<std::mutex> lock(mutex);
  std::string key =
      (target + " " + gpuPrecision + " " + gpuTiles + " " + gpuDispatch).str();
  auto it = gpu.find(key);
  if (it == gpu.end())
    it =
        gpu.emplace(key, gpuStages(target, gpuPrecision, gpuTiles, gpuDispatch))
            .first;
  return it->second;
}

const Stage *mlir::sieve::lookupStage(StringRef name, StringRef target,
                                      StringRef gpuPrecision,
                                      StringRef gpuTiles,
                                      StringRef gpuDispatch) {
  for (const Stage &stage :
       getStages(target, gpuPrecision, gpuTiles, gpuDispatch))
    if (stage.name == name)
      return &stage;
  return nullptr;
}

void mlir::sieve::registerSieveDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<SieveDialect>();
  registerBufferizableOpInterfaceExternalModels(registry);
  registerValueBoundsOpInterfaceExternalModels(registry);
  registerAdjointInterfaceExternalModels(registry);
  registerHostTranslations(registry);
  registerCudaTranslations(registry);
}

void mlir::sieve::registerSievePipelines() {
  static std::once_flag once;
  std::call_once(once, [] {
    registerAllPasses();
    registerSievePasses();
    registerSieveConversionPasses();
    registerSieveCompilerPasses();
    auto registerStage = [](const Stage &stage, StringRef prefix) {
      std::string pipeline = stage.pipeline;
      PassPipelineRegistration<>(prefix.str() + stage.name + "-pipeline",
                                 "The '" + stage.name +
                                     "' stage: " + stage.summary,
                                 [pipeline](OpPassManager &pm) {
                                   // The stage pipelines are fixed strings the
                                   // tests parse.
                                   (void)parsePassPipeline(pipeline, pm);
                                 });
    };
    for (const Stage &stage : getStages("host"))
      if (!stage.pipeline.empty())
        registerStage(stage, "sieve-");
    // The GPU stages that differ from the host's, for sm_80.
    for (const Stage &stage : getStages("sm_80")) {
      const Stage *host = lookupStage(stage.name, "host");
      if (!stage.pipeline.empty() &&
          (!host || host->pipeline != stage.pipeline))
        registerStage(stage, "sieve-gpu-");
    }
  });
}

LogicalResult mlir::sieve::runStages(
    ModuleOp module, StringRef lastStage,
    function_ref<void(const Stage &, unsigned, ModuleOp)> onStage,
    StringRef target, StringRef gpuPrecision, StringRef gpuTiles,
    StringRef gpuDispatch) {
  registerSievePipelines();
  // untested-diagnostic: the drivers check the target name first.
  if (!isKnownTarget(target))
    return module->emitError() << "unknown target '" << target << "'";
  for (auto [index, stage] : llvm::enumerate(
           getStages(target, gpuPrecision, gpuTiles, gpuDispatch))) {
    if (!stage.pipeline.empty()) {
      PassManager pm(module->getName());
      // untested-diagnostic: the stage pipelines are fixed, tested strings.
      if (failed(parsePassPipeline(stage.pipeline, pm)))
        return module->emitError()
               << "stage '" << stage.name << "' has an invalid pipeline";
      // untested-diagnostic: the passes report their own errors first; no
      // verified input makes today's stages fail.
      if (failed(pm.run(module)))
        return module->emitError()
               << "stage '" << stage.name << "' (" << index << ") failed";
    }
    onStage(stage, index, module);
    if (stage.name == lastStage)
      break;
  }
  return success();
}
