//===- Stages.cpp - the compiler's named stages ---------------------------===//

#include "compiler/Pipelines/Stages.h"

#include "dialects/Sieve/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::sieve;

void mlir::sieve::buildPrimitivesPipeline(OpPassManager &pm) {
  pm.addPass(createSieveDecompose());
  // Fold tensor.dim of sieve primitives' results into operand sizes.
  pm.addPass(memref::createResolveRankedShapeTypeResultDimsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

ArrayRef<Stage> mlir::sieve::getStages() {
  static const Stage stages[] = {
      {"layers", "the input: sieve layer ops, parsed and verified", nullptr},
      {"primitives",
       "layer ops decomposed into sieve primitives and linalg/tensor/arith/"
       "math (sieve-decompose, resolve-ranked-shaped-type-result-dims, "
       "canonicalize, cse)",
       buildPrimitivesPipeline},
  };
  return stages;
}

const Stage *mlir::sieve::lookupStage(StringRef name) {
  for (const Stage &stage : getStages())
    if (stage.name == name)
      return &stage;
  return nullptr;
}

void mlir::sieve::registerSievePipelines() {
  PassPipelineRegistration<>(
      "sieve-primitives-pipeline",
      "The 'primitives' stage: sieve-decompose, "
      "resolve-ranked-shaped-type-result-dims, canonicalize, cse",
      buildPrimitivesPipeline);
}

LogicalResult mlir::sieve::runStages(
    ModuleOp module, StringRef lastStage,
    function_ref<void(const Stage &, unsigned, ModuleOp)> onStage) {
  for (auto [index, stage] : llvm::enumerate(getStages())) {
    if (stage.buildPipeline) {
      PassManager pm(module->getName());
      stage.buildPipeline(pm);
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
