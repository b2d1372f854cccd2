//===- TensorAdjoints.cpp - adjoints of slices, reshapes and casts --------===//

#include "dialects/Sieve/Transforms/Adjoint/AdjointOpInterfaceImpl.h"
#include "dialects/Sieve/Transforms/Adjoint/AdjointState.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

/// A slice's gradient is added into the matching slice of the source's.
struct ExtractSliceAdjoint
    : AdjointOpInterface::ExternalModel<ExtractSliceAdjoint,
                                        tensor::ExtractSliceOp> {
  LogicalResult buildAdjoint(Operation *op, OpBuilder &b,
                             AdjointState &state) const {
    auto slice = cast<tensor::ExtractSliceOp>(op);
    Value source = slice.getSource();
    if (!state.isActive(source))
      return success();
    if (slice.getSourceType().getRank() != slice.getResultType().getRank())
      return op->emitOpError() << "sieve-generate-backward differentiates "
                                  "tensor.extract_slice only without rank "
                                  "reduction";
    Location loc = op->getLoc();
    Value accumulator = state.accumulator(b, loc, source);
    auto part = tensor::ExtractSliceOp::create(
        b, loc, slice.getResultType(), accumulator, slice.getMixedOffsets(),
        slice.getMixedSizes(), slice.getMixedStrides());
    Value sumInit =
        tensor::EmptyOp::create(b, loc, tensor::getMixedSizes(b, loc, part),
                                slice.getResultType().getElementType());
    Value sum = linalg::AddOp::create(
                    b, loc, ValueRange{part, state.gradient(slice.getResult())},
                    ValueRange{sumInit})
                    .getResult(0);
    state.setGradient(source,
                      tensor::InsertSliceOp::create(
                          b, loc, sum, accumulator, slice.getMixedOffsets(),
                          slice.getMixedSizes(), slice.getMixedStrides()));
    return success();
  }
};

struct CollapseShapeAdjoint
    : AdjointOpInterface::ExternalModel<CollapseShapeAdjoint,
                                        tensor::CollapseShapeOp> {
  LogicalResult buildAdjoint(Operation *op, OpBuilder &b,
                             AdjointState &state) const {
    auto collapse = cast<tensor::CollapseShapeOp>(op);
    Location loc = op->getLoc();
    Value grad = tensor::ExpandShapeOp::create(
        b, loc, collapse.getSrcType(), state.gradient(collapse.getResult()),
        collapse.getReassociationIndices(),
        tensor::getMixedSizes(b, loc, collapse.getSrc()));
    state.addGradient(b, loc, collapse.getSrc(), grad);
    return success();
  }
};

struct ExpandShapeAdjoint
    : AdjointOpInterface::ExternalModel<ExpandShapeAdjoint,
                                        tensor::ExpandShapeOp> {
  LogicalResult buildAdjoint(Operation *op, OpBuilder &b,
                             AdjointState &state) const {
    auto expand = cast<tensor::ExpandShapeOp>(op);
    Location loc = op->getLoc();
    Value grad = tensor::CollapseShapeOp::create(
        b, loc, expand.getSrcType(), state.gradient(expand.getResult()),
        expand.getReassociationIndices());
    state.addGradient(b, loc, expand.getSrc(), grad);
    return success();
  }
};

struct CastAdjoint
    : AdjointOpInterface::ExternalModel<CastAdjoint, tensor::CastOp> {
  LogicalResult buildAdjoint(Operation *op, OpBuilder &b,
                             AdjointState &state) const {
    auto cast = llvm::cast<tensor::CastOp>(op);
    Location loc = op->getLoc();
    Value grad = tensor::CastOp::create(b, loc, cast.getSource().getType(),
                                        state.gradient(cast.getResult()));
    state.addGradient(b, loc, cast.getSource(), grad);
    return success();
  }
};

} // namespace

void mlir::sieve::registerTensorAdjoints(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, tensor::TensorDialect *) {
    tensor::ExtractSliceOp::attachInterface<ExtractSliceAdjoint>(*ctx);
    tensor::CollapseShapeOp::attachInterface<CollapseShapeAdjoint>(*ctx);
    tensor::ExpandShapeOp::attachInterface<ExpandShapeAdjoint>(*ctx);
    tensor::CastOp::attachInterface<CastAdjoint>(*ctx);
  });
}
