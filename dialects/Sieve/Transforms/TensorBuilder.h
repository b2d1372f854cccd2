//===- TensorBuilder.h - upstream tensor ops used by decompositions -------===//
//
// The dense parts of every layer (projections, activations, sums, reshapes)
// are plain linalg/tensor/arith/math ops. TensorBuilder creates them with
// the token dimension possibly dynamic, so each decomposition reads as the
// paper's equations.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_DIALECTS_SIEVE_TRANSFORMS_TENSORBUILDER_H
#define SIEVE_DIALECTS_SIEVE_TRANSFORMS_TENSORBUILDER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/TypeUtilities.h"

namespace mlir::sieve {

class TensorBuilder {
public:
  TensorBuilder(OpBuilder &builder, Location loc) : b(builder), loc(loc) {}

  OpBuilder &builder() { return b; }
  Location location() const { return loc; }

  /// Static size `index` of `value`'s type, or kDynamic.
  static int64_t staticDim(Value value, int64_t index);
  /// a * b, or kDynamic when either is dynamic.
  static int64_t mulSizes(int64_t a, int64_t b);
  /// The ranked tensor type of a (possibly partly dynamic) shape.
  static RankedTensorType type(ArrayRef<int64_t> shape, Type elementType);

  /// Size `index` of `tensor` for building ops: an attribute when static,
  /// else a tensor.dim.
  OpFoldResult dim(Value tensor, int64_t index);
  /// A static size.
  OpFoldResult index(int64_t size) { return b.getIndexAttr(size); }
  /// size * factor and size / divisor, folded when static.
  OpFoldResult mul(OpFoldResult size, int64_t factor);
  OpFoldResult div(OpFoldResult size, int64_t divisor);
  /// The index values of the dynamic sizes among `sizes`.
  static SmallVector<Value> dynamicSizes(ArrayRef<OpFoldResult> sizes);

  /// tensor.empty / a zero-filled tensor of the given sizes.
  Value empty(ArrayRef<OpFoldResult> sizes, Type elementType);
  Value zeros(ArrayRef<OpFoldResult> sizes, Type elementType);

  /// lhs (M x K) times rhs (K x N) with linalg.matmul.
  Value matmul(Value lhs, Value rhs);
  /// Elementwise max(x, 0) (Eq. 1).
  Value relu(Value input);
  /// Elementwise 1 / (1 + exp(-x)) (Eq. 18).
  Value sigmoid(Value input);
  /// linalg.softmax along `dimension`.
  Value softmax(Value input, int64_t dimension);
  /// Elementwise lhs + rhs.
  Value add(Value lhs, Value rhs);

  /// Columns [offset, offset + size) of a rank-2 tensor.
  Value columns(Value input, OpFoldResult offset, OpFoldResult size);
  /// Merges the last two dimensions: [..., a, b] -> [..., a * b].
  Value mergeLastTwo(Value input);
  /// Splits the last dimension: [..., a * b] -> [..., a, b] with b = inner.
  Value splitLast(Value input, int64_t inner);
  /// tensor.cast to `type` when the types differ (static vs dynamic sizes).
  Value castTo(Value input, Type type);

private:
  /// A linalg.generic applying `body` to every element of `input`; the
  /// body may use values defined before the call (constants).
  Value elementwise(Value input,
                    function_ref<Value(OpBuilder &, Location, Value)> body);
  /// A scalar constant of a float type.
  Value floatConstant(Type type, double value);

  OpBuilder &b;
  Location loc;
};

} // namespace mlir::sieve

#endif // SIEVE_DIALECTS_SIEVE_TRANSFORMS_TENSORBUILDER_H
