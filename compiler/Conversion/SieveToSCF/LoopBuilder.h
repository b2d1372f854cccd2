//===- LoopBuilder.h - terse construction of loops over memrefs -----------===//
//
// The host lowering writes each primitive as loops over its buffers. This
// builder keeps those loops readable: index and f32 constants, scalar
// arithmetic, loads that widen f16/bf16 to f32 and stores that narrow back,
// and scf.for / scf.parallel / scf.if with body callbacks.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOSCF_LOOPBUILDER_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOSCF_LOOPBUILDER_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

namespace mlir::sieve {

class LoopBuilder {
public:
  LoopBuilder(OpBuilder &builder, Location loc) : b(builder), loc(loc) {}

  OpBuilder &builder() { return b; }
  Location location() const { return loc; }

  // Constants.
  Value index(int64_t value);
  Value i32(int64_t value);
  Value i64(int64_t value);
  Value f32(double value);

  // Index and integer arithmetic (operands of one type).
  Value add(Value lhs, Value rhs);
  Value sub(Value lhs, Value rhs);
  Value mul(Value lhs, Value rhs);
  Value divu(Value lhs, Value rhs);
  Value remu(Value lhs, Value rhs);
  Value cmp(arith::CmpIPredicate predicate, Value lhs, Value rhs);
  Value select(Value condition, Value ifTrue, Value ifFalse);
  Value andi(Value lhs, Value rhs);
  Value ori(Value lhs, Value rhs);

  // f32 arithmetic.
  Value addf(Value lhs, Value rhs);
  Value subf(Value lhs, Value rhs);
  Value mulf(Value lhs, Value rhs);
  Value divf(Value lhs, Value rhs);
  Value maxf(Value lhs, Value rhs);
  Value exp(Value value);
  Value log(Value value);
  Value cmpf(arith::CmpFPredicate predicate, Value lhs, Value rhs);

  // Conversions between index, i32 and f32.
  Value toIndex(Value integer);
  Value toI32(Value indexValue);
  Value indexToF32(Value indexValue);

  // Memory.
  Value dim(Value memref, int64_t dimension);
  Value load(Value memref, ValueRange indices);
  void store(Value value, Value memref, ValueRange indices);
  /// Loads a float element widened to f32.
  Value loadF32(Value memref, ValueRange indices);
  /// Stores an f32 value narrowed to the memref's element type.
  void storeF32(Value value, Value memref, ValueRange indices);
  /// Loads an i32 element as an index (sign-extended).
  Value loadIndex(Value memref, ValueRange indices);
  /// A heap buffer of the given shape; the caller deallocates it.
  Value alloc(MemRefType type, ValueRange dynamicSizes = {});
  void dealloc(Value memref);

  // Control flow. Bodies receive a builder positioned inside the region.
  using Body = function_ref<void(LoopBuilder &, Value)>;
  using AccumulatingBody =
      function_ref<SmallVector<Value>(LoopBuilder &, Value, ValueRange)>;
  using ParallelBody = function_ref<void(LoopBuilder &, ValueRange)>;

  void forEach(Value lower, Value upper, Body body);
  SmallVector<Value> forEach(Value lower, Value upper, ValueRange inits,
                             AccumulatingBody body);
  void parallel(ValueRange lowers, ValueRange uppers, ParallelBody body);
  void ifThen(Value condition, function_ref<void(LoopBuilder &)> body);

private:
  OpBuilder &b;
  Location loc;
};

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOSCF_LOOPBUILDER_H
