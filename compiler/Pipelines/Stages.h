//===- Stages.h - the compiler's named stages -----------------------------===//
//
// As in Triton's backend (ttir -> ttgir -> llir -> ptx), compilation is a
// sequence of named stages, each a pass pipeline whose output can be printed
// and checked on its own. Every stage's pipeline is textual, so
// `sieve-opt --pass-pipeline='builtin.module(<pipeline>)'` reproduces it, as
// does `sieve-opt --sieve-<stage>-pipeline`.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_PIPELINES_STAGES_H
#define SIEVE_COMPILER_PIPELINES_STAGES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <string>

namespace mlir::sieve {

struct Stage {
  /// Short name ("layers", "primitives", ...), used by --stop-after.
  std::string name;
  /// What the IR holds after this stage.
  std::string summary;
  /// The stage's passes as a textual pass list run on the module; empty for
  /// the input stage (parse + verify).
  std::string pipeline;
};

/// The stages of the host target, in order: layers, primitives, buffers,
/// loops, llvm. (Emitting the object and the bundle follows the last.)
ArrayRef<Stage> getStages();

/// The stage called `name`, or null.
const Stage *lookupStage(StringRef name);

/// Registers in `registry` every dialect, interface model and translation
/// the stages need: the sieve dialect with its bufferization models, the
/// upstream dialects and extensions, and the LLVM IR translations.
void registerSieveDialects(DialectRegistry &registry);

/// Registers every pass the stages name (Sieve's and the upstream ones) and
/// the stages' pipelines (`--sieve-primitives-pipeline`, ...), so that the
/// textual pipelines parse. Safe to call more than once.
void registerSievePipelines();

/// Runs every stage (up to and including `lastStage`, all when empty) on
/// `module`, calling `onStage` after each. Fails at the first stage whose
/// pipeline fails; diagnostics go to the context's handler.
LogicalResult
runStages(ModuleOp module, StringRef lastStage,
          function_ref<void(const Stage &, unsigned index, ModuleOp)> onStage);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_PIPELINES_STAGES_H
