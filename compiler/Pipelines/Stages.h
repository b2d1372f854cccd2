//===- Stages.h - the compiler's named stages -----------------------------===//
//
// As in Triton's backend (ttir -> ttgir -> llir -> ptx), compilation is a
// sequence of named stages, each a pass pipeline whose output can be printed
// and checked on its own. Later stages (host code, PTX) append to this list.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_PIPELINES_STAGES_H
#define SIEVE_COMPILER_PIPELINES_STAGES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <functional>
#include <string>

namespace mlir::sieve {

struct Stage {
  /// Short name ("layers", "primitives"), used by `sieve stages --stop-after`.
  std::string name;
  /// What the IR holds after this stage.
  std::string summary;
  /// Appends the stage's passes; null for the input stage (parse + verify).
  std::function<void(OpPassManager &)> buildPipeline;
};

/// The stages in order.
ArrayRef<Stage> getStages();

/// The stage called `name`, or null.
const Stage *lookupStage(StringRef name);

/// Adds the passes that lower layer ops to sieve primitives and upstream
/// dialects, then clean up: sieve-decompose,
/// resolve-ranked-shaped-type-result-dims, canonicalize, cse.
void buildPrimitivesPipeline(OpPassManager &pm);

/// Registers the stages' pipelines with the pass registry, so that
/// `sieve-opt --sieve-primitives-pipeline` runs the "primitives" stage.
void registerSievePipelines();

/// Runs every stage (up to and including `lastStage`, all when empty) on
/// `module`, calling `onStage` after each. Fails at the first stage whose
/// pipeline fails; diagnostics go to the context's handler.
LogicalResult
runStages(ModuleOp module, StringRef lastStage,
          function_ref<void(const Stage &, unsigned index, ModuleOp)> onStage);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_PIPELINES_STAGES_H
