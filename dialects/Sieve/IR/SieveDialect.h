//===- SieveDialect.h - the sieve dialect, its enums and attributes -------===//

#ifndef SIEVE_DIALECTS_SIEVE_IR_SIEVEDIALECT_H
#define SIEVE_DIALECTS_SIEVE_IR_SIEVEDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"

// ODS-generated code leaves some parameters unused; LLVM itself builds with
// -Wno-unused-parameter. Silence just that warning, just for generated code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include "dialects/Sieve/IR/SieveDialect.h.inc"
#include "dialects/Sieve/IR/SieveEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Sieve/IR/SieveAttrs.h.inc"

namespace mlir::sieve {
/// The gradients of a reverse sweep (dialects/Sieve/Transforms/Adjoint).
class AdjointState;
} // namespace mlir::sieve

#include "dialects/Sieve/IR/SieveInterfaces.h.inc"

#pragma GCC diagnostic pop

#endif // SIEVE_DIALECTS_SIEVE_IR_SIEVEDIALECT_H
