//===- Input.h - read the driver's input file into a module ---------------===//

#ifndef SIEVE_TOOLS_SIEVE_INPUT_H
#define SIEVE_TOOLS_SIEVE_INPUT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

#include <string>

namespace mlir::sieve::driver {

/// Whether `path` names a model description (.yaml or .yml).
bool isModelDescription(StringRef path);

/// Reads `path` into a verified module in `context`: a model description is
/// built into its kernels' module (its errors printed as
/// "file:line:column: error: ..."), anything else parsed as MLIR, with
/// diagnostics through a handler bound to `sourceMgr`, which must outlive
/// the module's use. On a missing file, prints "<command>: error: ..." and
/// returns null. `tensorDtype` (f32, bf16 or f16) is the element type of a
/// model description's activations and weights; an MLIR input has its own
/// types, so anything but f32 is refused for it.
OwningOpRef<ModuleOp> readInput(MLIRContext &context,
                                llvm::SourceMgr &sourceMgr, StringRef path,
                                StringRef command,
                                StringRef tensorDtype = "f32");

/// The values --tensor-dtype takes.
inline constexpr const char *kTensorDtypes = "f32, bf16 or f16";

} // namespace mlir::sieve::driver

#endif // SIEVE_TOOLS_SIEVE_INPUT_H
