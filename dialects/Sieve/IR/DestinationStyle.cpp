//===- DestinationStyle.cpp - shared behaviour of the DPS primitives ------===//

#include "dialects/Sieve/IR/DestinationStyle.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

using namespace mlir;

void sieve::detail::getDestinationStyleEffects(
    Operation *op,
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  auto dps = cast<DestinationStyleOpInterface>(op);
  for (OpOperand &operand : op->getOpOperands()) {
    if (!isa<MemRefType>(operand.get().getType()))
      continue;
    effects.emplace_back(MemoryEffects::Read::get(), &operand,
                         SideEffects::DefaultResource::get());
    if (dps.isDpsInit(&operand))
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
  }
}

LogicalResult
sieve::detail::reifyShapesFromInits(Operation *op, OpBuilder &builder,
                                    ReifiedRankedShapedTypeDims &shapes) {
  auto dps = cast<DestinationStyleOpInterface>(op);
  for (OpOperand &init : dps.getDpsInitsMutable())
    if (isa<RankedTensorType>(init.get().getType()))
      shapes.push_back(
          tensor::getMixedSizes(builder, op->getLoc(), init.get()));
  return success();
}

LogicalResult sieve::detail::verifyValueOrBufferSemantics(Operation *op) {
  bool tensors = false, buffers = false;
  for (Type type : op->getOperandTypes()) {
    tensors |= isa<TensorType>(type);
    buffers |= isa<MemRefType>(type);
  }
  if (tensors && buffers)
    return op->emitOpError()
           << "mixes tensor and memref operands: all must be tensors (value "
              "semantics) or all memrefs (buffer semantics)";
  return success();
}
