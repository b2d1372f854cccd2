//===- SieveOps.cpp - generated op definitions ----------------------------===//
//
// The ODS-generated op classes. Verifiers live in LayerOps.cpp and
// PrimitiveOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::sieve;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter" // generated code
#define GET_OP_CLASSES
#include "dialects/Sieve/IR/SieveOps.cpp.inc"
#pragma GCC diagnostic pop
