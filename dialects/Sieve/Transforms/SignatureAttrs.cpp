//===- SignatureAttrs.cpp - dynamic sizes as multiples of the token count
//------===//

#include "dialects/Sieve/Transforms/SignatureAttrs.h"

#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

using namespace mlir;
using namespace mlir::sieve;

std::string mlir::sieve::signatureName(func::FuncOp func, bool result,
                                       unsigned index) {
  DictionaryAttr attrs =
      result ? func.getResultAttrDict(index) : func.getArgAttrDict(index);
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>(kNameAttr))
      return name.str();
  return (result ? "result" : "arg") + std::to_string(index);
}

int64_t mlir::sieve::argumentTokensMultiple(func::FuncOp func, unsigned index) {
  if (DictionaryAttr attrs = func.getArgAttrDict(index))
    if (auto multiple = attrs.getAs<IntegerAttr>(kTokensMultipleAttr))
      return multiple.getInt();
  return 1;
}

FailureOr<TokenDim> mlir::sieve::traceTokenDim(func::FuncOp func, Value value,
                                               int64_t dim) {
  AffineMap map;
  ValueDimList operands;
  auto stopAtArguments = [&](Value v, std::optional<int64_t>,
                             ValueBoundsConstraintSet &) {
    auto arg = dyn_cast<BlockArgument>(v);
    return arg && arg.getOwner() == &func.getBody().front();
  };
  if (failed(ValueBoundsConstraintSet::computeBound(
          map, operands, presburger::BoundType::EQ, {value, dim},
          stopAtArguments)) ||
      map.getNumResults() != 1)
    return failure();
  AffineExpr expr = map.getResult(0);
  if (auto constant = dyn_cast<AffineConstantExpr>(expr))
    return TokenDim{constant.getValue(), 0};

  // c * (an argument's dynamic dimension), the argument being t * tokens.
  int64_t factor = 1;
  if (auto mul = dyn_cast<AffineBinaryOpExpr>(expr);
      mul && mul.getKind() == AffineExprKind::Mul) {
    auto constant = dyn_cast<AffineConstantExpr>(mul.getRHS());
    if (!constant)
      return failure();
    factor = constant.getValue();
    expr = mul.getLHS();
  }
  unsigned position;
  if (auto d = dyn_cast<AffineDimExpr>(expr))
    position = d.getPosition();
  else if (auto s = dyn_cast<AffineSymbolExpr>(expr))
    position = map.getNumDims() + s.getPosition();
  else
    return failure();
  if (position >= operands.size())
    return failure();
  auto arg = dyn_cast<BlockArgument>(operands[position].first);
  if (!arg || !operands[position].second)
    return failure();
  return TokenDim{0, factor * argumentTokensMultiple(func, arg.getArgNumber())};
}
