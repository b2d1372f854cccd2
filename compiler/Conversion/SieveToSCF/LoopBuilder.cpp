//===- LoopBuilder.cpp - terse construction of loops over memrefs ---------===//

#include "compiler/Conversion/SieveToSCF/LoopBuilder.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::sieve;

Value LoopBuilder::index(int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}
Value LoopBuilder::i32(int64_t value) {
  return arith::ConstantIntOp::create(b, loc, value, 32);
}
Value LoopBuilder::i64(int64_t value) {
  return arith::ConstantIntOp::create(b, loc, value, 64);
}
Value LoopBuilder::f32(double value) {
  return arith::ConstantOp::create(b, loc, b.getF32Type(),
                                   b.getF32FloatAttr(value));
}

Value LoopBuilder::add(Value lhs, Value rhs) {
  return arith::AddIOp::create(b, loc, lhs, rhs);
}
Value LoopBuilder::sub(Value lhs, Value rhs) {
  return arith::SubIOp::create(b, loc, lhs, rhs);
}
Value LoopBuilder::mul(Value lhs, Value rhs) {
  return arith::MulIOp::create(b, loc, lhs, rhs);
}
Value LoopBuilder::divu(Value lhs, Value rhs) {
  return arith::DivUIOp::create(b, loc, lhs, rhs);
}
Value LoopBuilder::remu(Value lhs, Value rhs) {
  return arith::RemUIOp::create(b, loc, lhs, rhs);
}
Value LoopBuilder::cmp(arith::CmpIPredicate predicate, Value lhs, Value rhs) {
  return arith::CmpIOp::create(b, loc, predicate, lhs, rhs);
}
Value LoopBuilder::select(Value condition, Value ifTrue, Value ifFalse) {
  return arith::SelectOp::create(b, loc, condition, ifTrue, ifFalse);
}
Value LoopBuilder::andi(Value lhs, Value rhs) {
  return arith::AndIOp::create(b, loc, lhs, rhs);
}
Value LoopBuilder::ori(Value lhs, Value rhs) {
  return arith::OrIOp::create(b, loc, lhs, rhs);
}

Value LoopBuilder::addf(Value lhs, Value rhs) {
  return arith::AddFOp::create(b, loc, lhs, rhs);
}
Value LoopBuilder::subf(Value lhs, Value rhs) {
  return arith::SubFOp::create(b, loc, lhs, rhs);
}
Value LoopBuilder::mulf(Value lhs, Value rhs) {
  return arith::MulFOp::create(b, loc, lhs, rhs);
}
Value LoopBuilder::divf(Value lhs, Value rhs) {
  return arith::DivFOp::create(b, loc, lhs, rhs);
}
Value LoopBuilder::maxf(Value lhs, Value rhs) {
  return arith::MaximumFOp::create(b, loc, lhs, rhs);
}
Value LoopBuilder::exp(Value value) {
  return math::ExpOp::create(b, loc, value);
}
Value LoopBuilder::log(Value value) {
  return math::LogOp::create(b, loc, value);
}
Value LoopBuilder::cmpf(arith::CmpFPredicate predicate, Value lhs, Value rhs) {
  return arith::CmpFOp::create(b, loc, predicate, lhs, rhs);
}

Value LoopBuilder::toIndex(Value integer) {
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), integer);
}
Value LoopBuilder::toI32(Value indexValue) {
  return arith::IndexCastOp::create(b, loc, b.getI32Type(), indexValue);
}
Value LoopBuilder::indexToF32(Value indexValue) {
  Value asI64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), indexValue);
  return arith::SIToFPOp::create(b, loc, b.getF32Type(), asI64);
}

Value LoopBuilder::dim(Value memref, int64_t dimension) {
  return memref::DimOp::create(b, loc, memref, dimension);
}
Value LoopBuilder::load(Value memref, ValueRange indices) {
  return memref::LoadOp::create(b, loc, memref, indices);
}
void LoopBuilder::store(Value value, Value memref, ValueRange indices) {
  memref::StoreOp::create(b, loc, value, memref, indices);
}
Value LoopBuilder::loadF32(Value memref, ValueRange indices) {
  Value value = load(memref, indices);
  if (value.getType().isF32())
    return value;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), value);
}
void LoopBuilder::storeF32(Value value, Value memref, ValueRange indices) {
  Type elementType = cast<MemRefType>(memref.getType()).getElementType();
  if (elementType != value.getType())
    value = arith::TruncFOp::create(b, loc, elementType, value);
  store(value, memref, indices);
}
Value LoopBuilder::loadIndex(Value memref, ValueRange indices) {
  return toIndex(load(memref, indices));
}
Value LoopBuilder::alloc(MemRefType type, ValueRange dynamicSizes) {
  return memref::AllocOp::create(b, loc, type, dynamicSizes);
}
void LoopBuilder::dealloc(Value memref) {
  memref::DeallocOp::create(b, loc, memref);
}

void LoopBuilder::forEach(Value lower, Value upper, Body body) {
  scf::ForOp::create(
      b, loc, lower, upper, index(1), ValueRange(),
      [&](OpBuilder &nested, Location nestedLoc, Value iv, ValueRange) {
        LoopBuilder inner(nested, nestedLoc);
        body(inner, iv);
        scf::YieldOp::create(nested, nestedLoc);
      });
}

SmallVector<Value> LoopBuilder::forEach(Value lower, Value upper,
                                        ValueRange inits,
                                        AccumulatingBody body) {
  auto loop = scf::ForOp::create(
      b, loc, lower, upper, index(1), inits,
      [&](OpBuilder &nested, Location nestedLoc, Value iv, ValueRange acc) {
        LoopBuilder inner(nested, nestedLoc);
        SmallVector<Value> next = body(inner, iv, acc);
        scf::YieldOp::create(nested, nestedLoc, next);
      });
  return SmallVector<Value>(loop.getResults());
}

void LoopBuilder::parallel(ValueRange lowers, ValueRange uppers,
                           ParallelBody body) {
  SmallVector<Value> steps(lowers.size(), index(1));
  scf::ParallelOp::create(
      b, loc, lowers, uppers, steps,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange ivs) {
        LoopBuilder inner(nested, nestedLoc);
        body(inner, ivs);
      });
}

void LoopBuilder::ifThen(Value condition,
                         function_ref<void(LoopBuilder &)> body) {
  scf::IfOp::create(b, loc, condition,
                    [&](OpBuilder &nested, Location nestedLoc) {
                      LoopBuilder inner(nested, nestedLoc);
                      body(inner);
                      scf::YieldOp::create(nested, nestedLoc);
                    });
}
