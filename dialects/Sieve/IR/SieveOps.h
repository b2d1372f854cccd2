//===- SieveOps.h - ops of the sieve dialect ------------------------------===//

#ifndef SIEVE_DIALECTS_SIEVE_IR_SIEVEOPS_H
#define SIEVE_DIALECTS_SIEVE_IR_SIEVEOPS_H

#include "dialects/Sieve/IR/DestinationStyle.h"
#include "dialects/Sieve/IR/SieveDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter" // generated code
#define GET_OP_CLASSES
#include "dialects/Sieve/IR/SieveOps.h.inc"
#pragma GCC diagnostic pop

#endif // SIEVE_DIALECTS_SIEVE_IR_SIEVEOPS_H
