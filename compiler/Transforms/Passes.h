//===- Passes.h - compiler passes around the sieve stages -----------------===//

#ifndef SIEVE_COMPILER_TRANSFORMS_PASSES_H
#define SIEVE_COMPILER_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::sieve {

#define GEN_PASS_DECL
#include "compiler/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Transforms/Passes.h.inc"

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_TRANSFORMS_PASSES_H
