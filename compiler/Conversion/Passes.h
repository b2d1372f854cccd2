//===- Passes.h - conversions out of the sieve dialect --------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_PASSES_H
#define SIEVE_COMPILER_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::sieve {

#define GEN_PASS_DECL
#include "compiler/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "compiler/Conversion/Passes.h.inc"

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_PASSES_H
