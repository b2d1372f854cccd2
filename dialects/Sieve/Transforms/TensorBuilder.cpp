//===- TensorBuilder.cpp - upstream tensor ops used by decompositions -----===//

#include "dialects/Sieve/Transforms/TensorBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::sieve;

int64_t TensorBuilder::staticDim(Value value, int64_t index) {
  return cast<RankedTensorType>(value.getType()).getDimSize(index);
}

int64_t TensorBuilder::mulSizes(int64_t a, int64_t b) {
  if (ShapedType::isDynamic(a) || ShapedType::isDynamic(b))
    return ShapedType::kDynamic;
  return a * b;
}

RankedTensorType TensorBuilder::type(ArrayRef<int64_t> shape,
                                     Type elementType) {
  return RankedTensorType::get(shape, elementType);
}

OpFoldResult TensorBuilder::dim(Value tensor, int64_t index) {
  return tensor::getMixedSize(b, loc, tensor, index);
}

OpFoldResult TensorBuilder::mul(OpFoldResult size, int64_t factor) {
  if (std::optional<int64_t> value = getConstantIntValue(size))
    return b.getIndexAttr(*value * factor);
  Value factorValue = arith::ConstantIndexOp::create(b, loc, factor);
  return arith::MulIOp::create(b, loc, cast<Value>(size), factorValue)
      .getResult();
}

OpFoldResult TensorBuilder::div(OpFoldResult size, int64_t divisor) {
  if (std::optional<int64_t> value = getConstantIntValue(size))
    return b.getIndexAttr(*value / divisor);
  Value divisorValue = arith::ConstantIndexOp::create(b, loc, divisor);
  return arith::DivUIOp::create(b, loc, cast<Value>(size), divisorValue)
      .getResult();
}

SmallVector<Value> TensorBuilder::dynamicSizes(ArrayRef<OpFoldResult> sizes) {
  SmallVector<Value> values;
  for (OpFoldResult size : sizes)
    if (auto value = dyn_cast<Value>(size))
      values.push_back(value);
  return values;
}

Value TensorBuilder::floatConstant(Type type, double value) {
  return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, value));
}

Value TensorBuilder::empty(ArrayRef<OpFoldResult> sizes, Type elementType) {
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

Value TensorBuilder::zeros(ArrayRef<OpFoldResult> sizes, Type elementType) {
  Value zero = floatConstant(elementType, 0.0);
  return linalg::FillOp::create(b, loc, zero, empty(sizes, elementType))
      .getResult(0);
}

Value TensorBuilder::matmul(Value lhs, Value rhs) {
  Type elementType = getElementTypeOrSelf(lhs.getType());
  Value init = zeros({dim(lhs, 0), dim(rhs, 1)}, elementType);
  return linalg::MatmulOp::create(b, loc, ValueRange{lhs, rhs},
                                  ValueRange{init})
      .getResult(0);
}

Value TensorBuilder::elementwise(
    Value input, function_ref<Value(OpBuilder &, Location, Value)> body) {
  auto type = cast<RankedTensorType>(input.getType());
  Value init =
      empty(tensor::getMixedSizes(b, loc, input), type.getElementType());
  AffineMap identity = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{input}, ValueRange{init},
      ArrayRef<AffineMap>{identity, identity}, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(nested, nestedLoc,
                                body(nested, nestedLoc, args[0]));
      });
  return generic.getResult(0);
}

Value TensorBuilder::relu(Value input) {
  Value zero = floatConstant(getElementTypeOrSelf(input.getType()), 0.0);
  return elementwise(input, [&](OpBuilder &nb, Location l, Value x) -> Value {
    return arith::MaximumFOp::create(nb, l, x, zero);
  });
}

Value TensorBuilder::sigmoid(Value input) {
  Value one = floatConstant(getElementTypeOrSelf(input.getType()), 1.0);
  return elementwise(input, [&](OpBuilder &nb, Location l, Value x) -> Value {
    Value expNeg = math::ExpOp::create(nb, l, arith::NegFOp::create(nb, l, x));
    return arith::DivFOp::create(nb, l, one,
                                 arith::AddFOp::create(nb, l, one, expNeg));
  });
}

Value TensorBuilder::softmax(Value input, int64_t dimension) {
  auto type = cast<RankedTensorType>(input.getType());
  Value init =
      empty(tensor::getMixedSizes(b, loc, input), type.getElementType());
  return linalg::SoftmaxOp::create(b, loc, type, input, init, dimension)
      .getResult()[0];
}

Value TensorBuilder::add(Value lhs, Value rhs) {
  auto type = cast<RankedTensorType>(lhs.getType());
  Value init = empty(tensor::getMixedSizes(b, loc, lhs), type.getElementType());
  return linalg::AddOp::create(b, loc, ValueRange{lhs, rhs}, ValueRange{init})
      .getResult(0);
}

Value TensorBuilder::columns(Value input, OpFoldResult offset,
                             OpFoldResult size) {
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), offset};
  SmallVector<OpFoldResult> sizes = {dim(input, 0), size};
  SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, loc, input, offsets, sizes, strides);
}

Value TensorBuilder::mergeLastTwo(Value input) {
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d + 2 < rank; ++d)
    groups.push_back({d});
  groups.push_back({rank - 2, rank - 1});
  return tensor::CollapseShapeOp::create(b, loc, input, groups);
}

Value TensorBuilder::splitLast(Value input, int64_t inner) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t rank = inputType.getRank();
  SmallVector<ReassociationIndices> groups;
  SmallVector<OpFoldResult> outputShape;
  for (int64_t d = 0; d + 1 < rank; ++d) {
    groups.push_back({d});
    outputShape.push_back(dim(input, d));
  }
  groups.push_back({rank - 1, rank});
  outputShape.push_back(div(dim(input, rank - 1), inner));
  outputShape.push_back(b.getIndexAttr(inner));
  SmallVector<int64_t> shape =
      llvm::map_to_vector(outputShape, [](OpFoldResult size) {
        return getConstantIntValue(size).value_or(ShapedType::kDynamic);
      });
  return tensor::ExpandShapeOp::create(b, loc,
                                       type(shape, inputType.getElementType()),
                                       input, groups, outputShape);
}

Value TensorBuilder::castTo(Value input, Type type) {
  if (input.getType() == type)
    return input;
  return tensor::CastOp::create(b, loc, type, input);
}
