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

namespace mlir::sieve {

/// A list of op classes, to attach one interface model to each.
template <typename... OpTys> struct OpList {};

/// Every primitive (destination-passing-style) op of the dialect, forward
/// and backward.
using PrimitiveOps =
    OpList<SelectExpertsOp, SinkhornOp, DispatchOp, CvmmOp, CvmmWeightGradOp,
           TopKOp, ProductKeyTopKOp, GatherSumOp, EntropyRegOp, SwitchRegOp,
           WordRouteOp, BernoulliMaskOp, SelectGradOp, ProductKeyGradOp,
           GatherDotOp, ScatterSumOp, PairDotOp, ScaleRowsOp, EntropyRegGradOp,
           SwitchRegGradOp>;

/// Attaches Model<Op> to every op of `ops`.
template <template <typename> class Model, typename... OpTys>
void attachToEach(MLIRContext *ctx, OpList<OpTys...>) {
  (OpTys::template attachInterface<Model<OpTys>>(*ctx), ...);
}

} // namespace mlir::sieve

#endif // SIEVE_DIALECTS_SIEVE_IR_SIEVEOPS_H
