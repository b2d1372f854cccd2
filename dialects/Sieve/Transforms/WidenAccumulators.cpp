//===- WidenAccumulators.cpp - 16-bit reductions summed in f32 ------------===//
//
// A linalg reduction whose output is bf16 or f16 (a matmul, or a generic
// with a reduction iterator: the weight gradients, the softmax backward's
// row sums) would add every term into a 16-bit accumulator, losing about
// log2(n) of its 8 (bf16) or 11 (f16) significant bits over n terms. Mixed
// precision means 16-bit tensors with f32 sums: each such op is rebuilt
// with an f32 output (its init widened), its body computing in f32, and
// the result rounded once to the 16-bit type.
//
//===----------------------------------------------------------------------===//

#include "dialects/Sieve/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::sieve {
#define GEN_PASS_DEF_SIEVEWIDENACCUMULATORS
#include "dialects/Sieve/Transforms/Passes.h.inc"
} // namespace mlir::sieve

using namespace mlir;
using namespace mlir::sieve;

namespace {

bool isNarrowFloat(Type type) { return isa<BFloat16Type, Float16Type>(type); }

/// An elementwise generic applying `convert` (extf or truncf) into `to`.
Value convertTensor(OpBuilder &b, Location loc, Value input, Type to,
                    bool widen) {
  auto type = cast<RankedTensorType>(input.getType());
  Value init =
      tensor::EmptyOp::create(b, loc, tensor::getMixedSizes(b, loc, input), to);
  AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{input},
             ValueRange{init}, ArrayRef<AffineMap>{identity, identity},
             iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value converted =
                   widen
                       ? arith::ExtFOp::create(nb, nl, to, args[0]).getResult()
                       : arith::TruncFOp::create(nb, nl, to, args[0])
                             .getResult();
               linalg::YieldOp::create(nb, nl, converted);
             })
      .getResult(0);
}

/// The f32 form of an init: a fill of the same constant, or the init
/// widened element by element.
Value widenInit(OpBuilder &b, Location loc, Value init) {
  Type f32 = b.getF32Type();
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    FloatAttr value;
    if (matchPattern(fill.getInputs()[0], m_Constant(&value))) {
      Value empty = tensor::EmptyOp::create(
          b, loc, tensor::getMixedSizes(b, loc, init), f32);
      Value constant = arith::ConstantOp::create(
          b, loc, b.getFloatAttr(f32, value.getValueAsDouble()));
      return linalg::FillOp::create(b, loc, constant, empty).getResult(0);
    }
  }
  return convertTensor(b, loc, init, f32, /*widen=*/true);
}

/// The body ops a widened generic may hold: float arithmetic whose result
/// type follows its operands', comparisons and constants.
bool retypable(Operation &op) {
  return isa<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp,
             arith::NegFOp, arith::MaximumFOp, arith::MinimumFOp,
             arith::MaxNumFOp, arith::MinNumFOp, arith::SelectOp, arith::CmpFOp,
             arith::ConstantOp, math::ExpOp, math::LogOp, math::TanhOp,
             math::SqrtOp, linalg::YieldOp>(op);
}

/// Whether `op` reduces into a 16-bit float output (and is on tensors).
bool reducesIntoNarrowFloat(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumReductionLoops() == 0)
    return false;
  return llvm::any_of(op.getDpsInits(), [](Value init) {
    return isNarrowFloat(getElementTypeOrSelf(init.getType()));
  });
}

/// The results of `widened` (f32 where `original`'s were 16-bit) rounded
/// back to the original types.
SmallVector<Value> narrowResults(PatternRewriter &rewriter, Location loc,
                                 ValueRange original, ValueRange widened) {
  SmallVector<Value> results;
  for (auto [old, wide] : llvm::zip(original, widened))
    results.push_back(old.getType() == wide.getType()
                          ? wide
                          : convertTensor(rewriter, loc, wide,
                                          getElementTypeOrSelf(old.getType()),
                                          false));
  return results;
}

struct WidenMatmul : OpRewritePattern<linalg::MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!reducesIntoNarrowFloat(op))
      return failure();
    Location loc = op.getLoc();
    Value init = widenInit(rewriter, loc, op.getOutputs()[0]);
    // linalg.matmul extends its operands to the output type, so the
    // products and the sum are f32; the maps (the adjoints' transposed
    // forms) carry over.
    SmallVector<NamedAttribute> attributes;
    if (op.hasUserDefinedMaps())
      attributes.push_back(
          rewriter.getNamedAttr("indexing_maps", op.getIndexingMaps()));
    auto widened =
        linalg::MatmulOp::create(rewriter, loc, TypeRange{init.getType()},
                                 op.getInputs(), ValueRange{init}, attributes);
    rewriter.replaceOp(op, narrowResults(rewriter, loc, op->getResults(),
                                         widened->getResults()));
    return success();
  }
};

struct WidenGeneric : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!reducesIntoNarrowFloat(op) ||
        !llvm::all_of(op.getBody()->getOperations(), retypable))
      return failure();
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    SmallVector<Value> inits;
    for (Value init : op.getOutputs())
      inits.push_back(isNarrowFloat(getElementTypeOrSelf(init.getType()))
                          ? widenInit(rewriter, loc, init)
                          : init);
    auto widened = linalg::GenericOp::create(
        rewriter, loc, ValueRange(inits).getTypes(), op.getInputs(), inits,
        op.getIndexingMapsArray(), op.getIteratorTypesArray(),
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          // Every 16-bit operand enters the body as f32; the body's float
          // values are then f32 throughout.
          IRMapping mapping;
          for (auto [old, arg] : llvm::zip(op.getBody()->getArguments(), args))
            mapping.map(
                old, isNarrowFloat(arg.getType())
                         ? arith::ExtFOp::create(nb, nl, f32, arg).getResult()
                         : arg);
          // So do 16-bit values the body captures (constants the folder
          // hoisted out of it).
          auto widenCaptured = [&](Operation &inner) {
            for (Value operand : inner.getOperands())
              if (!mapping.contains(operand) &&
                  isNarrowFloat(operand.getType()))
                mapping.map(operand,
                            arith::ExtFOp::create(nb, nl, f32, operand));
          };
          for (Operation &inner : op.getBody()->without_terminator()) {
            widenCaptured(inner);
            if (auto constant = dyn_cast<arith::ConstantOp>(inner);
                constant && isNarrowFloat(constant.getType())) {
              double value =
                  cast<FloatAttr>(constant.getValue()).getValueAsDouble();
              mapping.map(constant.getResult(),
                          arith::ConstantOp::create(
                              nb, nl, nb.getFloatAttr(f32, value)));
              continue;
            }
            Operation *copy = nb.clone(inner, mapping);
            for (Value result : copy->getResults())
              if (isNarrowFloat(result.getType()))
                result.setType(f32);
          }
          Operation *terminator = op.getBody()->getTerminator();
          widenCaptured(*terminator);
          SmallVector<Value> yielded;
          for (Value value : terminator->getOperands())
            yielded.push_back(mapping.lookupOrDefault(value));
          linalg::YieldOp::create(nb, nl, yielded);
        });
    rewriter.replaceOp(op, narrowResults(rewriter, loc, op->getResults(),
                                         widened->getResults()));
    return success();
  }
};

struct SieveWidenAccumulatorsPass
    : mlir::sieve::impl::SieveWidenAccumulatorsBase<
          SieveWidenAccumulatorsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<WidenMatmul, WidenGeneric>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
