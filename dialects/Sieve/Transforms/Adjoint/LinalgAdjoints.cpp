//===- LinalgAdjoints.cpp - adjoints of the linalg ops layers use ---------===//
//
// The dense parts of the layers: projections (linalg.matmul), activations
// (elementwise linalg.generic), softmax, and the additions the backward
// pass itself creates (linalg.add).
//
//===----------------------------------------------------------------------===//

#include "dialects/Sieve/Transforms/Adjoint/AdjointOpInterfaceImpl.h"
#include "dialects/Sieve/Transforms/Adjoint/AdjointState.h"
#include "dialects/Sieve/Transforms/Adjoint/ScalarAdjoint.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

/// C = A B + C0 with the default maps: dA += dC B^T, dB += A^T dC, dC0 = dC.
struct MatmulAdjoint
    : AdjointOpInterface::ExternalModel<MatmulAdjoint, linalg::MatmulOp> {
  LogicalResult buildAdjoint(Operation *op, OpBuilder &b,
                             AdjointState &state) const {
    auto matmul = cast<linalg::MatmulOp>(op);
    if (matmul.hasUserDefinedMaps() || !matmul.hasPureTensorSemantics())
      return op->emitOpError()
             << "sieve-generate-backward differentiates linalg.matmul only "
                "with its default indexing maps, on tensors";
    Location loc = op->getLoc();
    Value lhs = matmul.getInputs()[0], rhs = matmul.getInputs()[1];
    Value init = matmul.getOutputs()[0];
    Value grad = state.gradient(matmul.getResult(0));
    MLIRContext *ctx = b.getContext();
    AffineExpr m, n, k;
    bindDims(ctx, m, n, k);
    auto map = [&](ArrayRef<AffineExpr> exprs) {
      return AffineMap::get(3, 0, exprs, ctx);
    };
    // One contraction C'[i, j] += X[..] Y[..] over the third dimension.
    auto contract = [&](Value x, Value y, Value accumulator,
                        ArrayRef<AffineMap> maps) {
      SmallVector<Attribute> attrs = llvm::map_to_vector(
          maps, [](AffineMap a) -> Attribute { return AffineMapAttr::get(a); });
      return linalg::MatmulOp::create(
                 b, loc, TypeRange{accumulator.getType()}, ValueRange{x, y},
                 ValueRange{accumulator},
                 {b.getNamedAttr("indexing_maps", b.getArrayAttr(attrs))})
          .getResult(0);
    };
    if (state.isActive(lhs)) {
      // dA[m, k] += sum_n dC[m, n] B[k, n]: dims (m, k, n) as (d0, d1, d2).
      state.setGradient(lhs, contract(grad, rhs, state.accumulator(b, loc, lhs),
                                      {map({m, k}), map({n, k}), map({m, n})}));
    }
    if (state.isActive(rhs)) {
      // dB[k, n] += sum_m A[m, k] dC[m, n]: dims (k, n, m) as (d0, d1, d2).
      state.setGradient(rhs, contract(lhs, grad, state.accumulator(b, loc, rhs),
                                      {map({k, m}), map({k, n}), map({m, n})}));
    }
    state.addGradient(b, loc, init, grad);
    return success();
  }
};

/// Elementwise sum: both operands get the gradient.
struct AddAdjoint
    : AdjointOpInterface::ExternalModel<AddAdjoint, linalg::AddOp> {
  LogicalResult buildAdjoint(Operation *op, OpBuilder &b,
                             AdjointState &state) const {
    auto add = cast<linalg::AddOp>(op);
    Value grad = state.gradient(add.getResult(0));
    for (Value input : add.getInputs())
      state.addGradient(b, op->getLoc(), input, grad);
    return success();
  }
};

/// An elementwise generic (parallel iterators, identity maps, a body that
/// does not read its outputs): one elementwise generic computes every
/// active input's gradient from the inputs and the results' gradients.
struct GenericAdjoint
    : AdjointOpInterface::ExternalModel<GenericAdjoint, linalg::GenericOp> {
  LogicalResult buildAdjoint(Operation *op, OpBuilder &b,
                             AdjointState &state) const {
    auto generic = cast<linalg::GenericOp>(op);
    Location loc = op->getLoc();
    bool elementwise =
        generic.hasPureTensorSemantics() &&
        generic.getNumParallelLoops() == generic.getNumLoops() &&
        llvm::all_of(generic.getIndexingMapsArray(),
                     [](AffineMap map) { return map.isIdentity(); });
    Block &body = generic.getRegion().front();
    for (BlockArgument out : generic.getRegionOutputArgs())
      elementwise &= out.use_empty();
    if (!elementwise)
      return op->emitOpError()
             << "sieve-generate-backward differentiates linalg.generic only "
                "when it is elementwise: parallel iterators, identity maps, "
                "a body that does not read its outputs";

    SmallVector<Value> inputs(generic.getInputs());
    SmallVector<Value> grads;
    for (Value result : generic.getResults())
      if (Value grad = state.gradient(result))
        grads.push_back(grad);
    SmallVector<unsigned> activeInputs;
    SmallVector<Value> accumulators;
    for (auto [index, input] : llvm::enumerate(inputs))
      if (state.isActive(input)) {
        activeInputs.push_back(index);
        accumulators.push_back(state.accumulator(b, loc, input));
      }
    if (activeInputs.empty())
      return success();

    unsigned rank = generic.getNumLoops();
    AffineMap identity = b.getMultiDimIdentityMap(rank);
    SmallVector<Value> newInputs = inputs;
    llvm::append_range(newInputs, grads);
    SmallVector<AffineMap> maps(newInputs.size() + accumulators.size(),
                                identity);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    SmallVector<Type> types = llvm::map_to_vector(
        accumulators, [](Value acc) { return acc.getType(); });
    LogicalResult differentiated = success();
    auto adjoint = linalg::GenericOp::create(
        b, loc, types, newInputs, accumulators, maps, iterators,
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          ValueRange inputArgs = args.take_front(inputs.size());
          ValueRange gradArgs = args.slice(inputs.size(), grads.size());
          ValueRange accArgs = args.take_back(accumulators.size());
          // The gradient of each result, by position (null: none).
          SmallVector<Value> yieldGrads;
          unsigned next = 0;
          for (Value result : generic.getResults())
            yieldGrads.push_back(state.gradient(result) ? gradArgs[next++]
                                                        : Value());
          // The body does not read its outputs: any value stands for them.
          SmallVector<Value> bodyArgs(inputArgs);
          bodyArgs.append(generic.getNumDpsInits(), accArgs.front());
          FailureOr<SmallVector<Value>> argGrads =
              differentiateScalarBody(nb, nl, body, bodyArgs, yieldGrads);
          SmallVector<Value> yields;
          if (failed(argGrads)) {
            differentiated = failure();
            yields.assign(accArgs.begin(), accArgs.end());
          } else {
            for (auto [slot, index] : llvm::enumerate(activeInputs)) {
              Value grad = (*argGrads)[index];
              yields.push_back(
                  grad ? arith::AddFOp::create(nb, nl, accArgs[slot], grad)
                             .getResult()
                       : accArgs[slot]);
            }
          }
          linalg::YieldOp::create(nb, nl, yields);
        });
    if (failed(differentiated))
      return failure();
    for (auto [slot, index] : llvm::enumerate(activeInputs))
      state.setGradient(inputs[index], adjoint.getResult(slot));
    return success();
  }
};

/// y = softmax(x) along d: dx = y (dy - sum_d(dy y)).
struct SoftmaxAdjoint
    : AdjointOpInterface::ExternalModel<SoftmaxAdjoint, linalg::SoftmaxOp> {
  LogicalResult buildAdjoint(Operation *op, OpBuilder &b,
                             AdjointState &state) const {
    auto softmax = cast<linalg::SoftmaxOp>(op);
    Value input = softmax.getInput();
    if (!state.isActive(input))
      return success();
    Location loc = op->getLoc();
    Value y = softmax.getResult()[0];
    Value dy = state.gradient(y);
    auto type = cast<RankedTensorType>(y.getType());
    int64_t rank = type.getRank(), dimension = softmax.getDimension();
    Type elementType = type.getElementType();

    // s = sum_d dy * y, the softmax dimension reduced away.
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, y);
    sizes.erase(sizes.begin() + dimension);
    Value zero =
        arith::ConstantOp::create(b, loc, b.getFloatAttr(elementType, 0.0));
    Value empty = tensor::EmptyOp::create(b, loc, sizes, elementType);
    Value sumInit = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
    AffineMap identity = b.getMultiDimIdentityMap(rank);
    AffineMap reduced = identity.dropResult(dimension);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators[dimension] = utils::IteratorType::reduction;
    Value sum =
        linalg::GenericOp::create(
            b, loc, TypeRange{sumInit.getType()}, ValueRange{dy, y},
            ValueRange{sumInit}, {identity, identity, reduced}, iterators,
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              Value product = arith::MulFOp::create(nb, nl, args[0], args[1]);
              linalg::YieldOp::create(
                  nb, nl,
                  ValueRange{arith::AddFOp::create(nb, nl, args[2], product)});
            })
            .getResult(0);

    Value accumulator = state.accumulator(b, loc, input);
    iterators[dimension] = utils::IteratorType::parallel;
    Value grad =
        linalg::GenericOp::create(
            b, loc, TypeRange{accumulator.getType()}, ValueRange{y, dy, sum},
            ValueRange{accumulator}, {identity, identity, reduced, identity},
            iterators,
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              Value centered = arith::SubFOp::create(nb, nl, args[1], args[2]);
              Value term = arith::MulFOp::create(nb, nl, args[0], centered);
              linalg::YieldOp::create(
                  nb, nl,
                  ValueRange{arith::AddFOp::create(nb, nl, args[3], term)});
            })
            .getResult(0);
    state.setGradient(input, grad);
    return success();
  }
};

} // namespace

void mlir::sieve::registerLinalgAdjoints(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, linalg::LinalgDialect *) {
    linalg::MatmulOp::attachInterface<MatmulAdjoint>(*ctx);
    linalg::AddOp::attachInterface<AddAdjoint>(*ctx);
    linalg::GenericOp::attachInterface<GenericAdjoint>(*ctx);
    linalg::SoftmaxOp::attachInterface<SoftmaxAdjoint>(*ctx);
  });
}
