//===- Stages.cpp - the compiler's named stages ---------------------------===//

#include "compiler/Pipelines/Stages.h"

#include "compiler/Conversion/Passes.h"
#include "compiler/Conversion/SieveToVector/GemmTunables.h"
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

#include <mutex>

using namespace mlir;
using namespace mlir::sieve;

ArrayRef<Stage> mlir::sieve::getStages() {
  static const Stage stages[] = {
      {"layers", "the input: sieve layer ops, parsed and verified", ""},
      {"primitives",
       "layer ops decomposed into sieve primitives and linalg/tensor/arith/"
       "math",
       "sieve-decompose,sieve-generate-backward,"
       "resolve-ranked-shaped-type-result-dims,canonicalize,cse"},
      {"buffers",
       "on memrefs: one-shot bufferization, results as caller-provided "
       "output buffers, temporaries freed",
       "sieve-decompose-aggregated-ops,canonicalize,"
       "one-shot-bufferize{bufferize-function-boundaries "
       "function-boundary-type-conversion=identity-layout-map},"
       "buffer-results-to-out-params{hoist-dynamic-allocs hoist-static-allocs "
       "modify-public-functions},buffer-deallocation-pipeline,canonicalize"},
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
  return stages;
}

const Stage *mlir::sieve::lookupStage(StringRef name) {
  for (const Stage &stage : getStages())
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
}

void mlir::sieve::registerSievePipelines() {
  static std::once_flag once;
  std::call_once(once, [] {
    registerAllPasses();
    registerSievePasses();
    registerSieveConversionPasses();
    registerSieveCompilerPasses();
    for (const Stage &stage : getStages()) {
      if (stage.pipeline.empty())
        continue;
      std::string pipeline = stage.pipeline;
      PassPipelineRegistration<>("sieve-" + stage.name + "-pipeline",
                                 "The '" + stage.name +
                                     "' stage: " + stage.summary,
                                 [pipeline](OpPassManager &pm) {
                                   // The stage pipelines are fixed strings the
                                   // tests parse.
                                   (void)parsePassPipeline(pipeline, pm);
                                 });
    }
  });
}

LogicalResult mlir::sieve::runStages(
    ModuleOp module, StringRef lastStage,
    function_ref<void(const Stage &, unsigned, ModuleOp)> onStage) {
  registerSievePipelines();
  for (auto [index, stage] : llvm::enumerate(getStages())) {
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
