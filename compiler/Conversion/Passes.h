//===- Passes.h - conversions out of the sieve dialect --------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_PASSES_H
#define SIEVE_COMPILER_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::sieve {

/// On a function declaration: the runtime implements it on the host, and
/// calls of it stay on the host when loops become GPU kernels
/// (sieve-convert-dispatch-to-runtime, sieve-map-loops-to-gpu).
constexpr StringLiteral kRuntimeCallAttrName = "sieve.runtime_call";

#define GEN_PASS_DECL
#include "compiler/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Conversion/Passes.h.inc"

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_PASSES_H
