//===- DestinationStyle.h - shared behaviour of the DPS primitives --------===//
//
// The sieve primitives are in destination-passing style: they work on tensors
// (returning results tied to their inits) or on memrefs (writing their init
// buffers). These helpers give all of them the same memory effects, result
// shapes and semantics check.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_DIALECTS_SIEVE_IR_DESTINATIONSTYLE_H
#define SIEVE_DIALECTS_SIEVE_IR_DESTINATIONSTYLE_H

#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::sieve::detail {

/// On buffers: reads every memref input, reads and writes every init
/// buffer. On tensors: no memory effects (the op is pure).
void getDestinationStyleEffects(
    Operation *op,
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects);

/// Each result has the sizes of its tied init.
LogicalResult reifyShapesFromInits(Operation *op, OpBuilder &builder,
                                   ReifiedRankedShapedTypeDims &shapes);

/// The shaped operands are all tensors (value semantics) or all memrefs
/// (buffer semantics).
LogicalResult verifyValueOrBufferSemantics(Operation *op);

} // namespace mlir::sieve::detail

#endif // SIEVE_DIALECTS_SIEVE_IR_DESTINATIONSTYLE_H
