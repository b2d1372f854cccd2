//===- Passes.h - passes of the sieve dialect -----------------------------===//

#ifndef SIEVE_DIALECTS_SIEVE_TRANSFORMS_PASSES_H
#define SIEVE_DIALECTS_SIEVE_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::sieve {

#define GEN_PASS_DECL
#include "dialects/Sieve/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/Sieve/Transforms/Passes.h.inc"

} // namespace mlir::sieve

#endif // SIEVE_DIALECTS_SIEVE_TRANSFORMS_PASSES_H
