//===- CvmmRows.cpp - how CVMM kernels find their rows -------------------===//

#include "compiler/Conversion/SieveToGPU/CvmmRows.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mlir::sieve;

Value mlir::sieve::bothBelow(LoopBuilder &b, Value a, Value aEnd, Value c,
                             Value cEnd) {
  return b.andi(b.cmp(arith::CmpIPredicate::ult, a, aEnd),
                b.cmp(arith::CmpIPredicate::ult, c, cEnd));
}

Value mlir::sieve::ceilDiv(LoopBuilder &b, Value value, int64_t divisor) {
  return arith::CeilDivUIOp::create(b.builder(), b.location(), value,
                                    b.index(divisor));
}

std::array<Value, 3> mlir::sieve::weightGradGrid(LoopBuilder &b, Value inWidth,
                                                 Value outWidth,
                                                 Value numExperts,
                                                 int64_t tileM, int64_t tileN,
                                                 int64_t splitK) {
  return {ceilDiv(b, inWidth, tileM), ceilDiv(b, outWidth, tileN),
          splitK == 1 ? numExperts : b.mul(numExperts, b.index(splitK))};
}

WeightGradTile::WeightGradTile(LoopBuilder &b, gpu::KernelDim3 blockIds,
                               Value offsets, int64_t tileM, int64_t tileN,
                               int64_t kTile, int64_t splitK) {
  Value z = blockIds.z;
  expert = splitK == 1 ? z : b.divu(z, b.index(splitK));
  Value part = splitK == 1 ? b.index(0) : b.remu(z, b.index(splitK));
  mBegin = b.mul(blockIds.x, b.index(tileM));
  columnBegin = b.mul(blockIds.y, b.index(tileN));
  rowBegin = b.loadIndex(offsets, {expert});
  rowEnd = b.loadIndex(offsets, {b.add(expert, b.index(1))});
  Value steps = ceilDiv(b, b.sub(rowEnd, rowBegin), kTile);
  firstStep = part;
  endStep = steps;
  if (splitK == 1)
    return;
  Value perPart = ceilDiv(b, steps, splitK);
  auto atMost = [&](Value value, Value limit) {
    return b.select(b.cmp(arith::CmpIPredicate::ult, value, limit), value,
                    limit);
  };
  firstStep = atMost(b.mul(part, perPart), steps);
  endStep = atMost(b.add(firstStep, perPart), steps);
}

std::pair<Value, Value> mlir::sieve::pairAt(LoopBuilder &b, Value pairs,
                                            Value j, int64_t k) {
  Value p = b.loadIndex(pairs, {j});
  return {b.divu(p, b.index(k)), b.remu(p, b.index(k))};
}

Value mlir::sieve::rowIn(LoopBuilder &b, RowOrder order, Value pairs, Value j,
                         int64_t k) {
  return order == RowOrder::Token ? pairAt(b, pairs, j, k).first : j;
}

std::array<Value, 3> mlir::sieve::findRowTile(LoopBuilder &b, Value offsets,
                                              Value numExperts, Value tile,
                                              int64_t tileM) {
  Value zero = b.index(0);
  SmallVector<Value> found = b.forEach(
      zero, numExperts, {zero, b.index(-1), zero, zero},
      [&](LoopBuilder &lb, Value e, ValueRange state) {
        Value first = state[0];
        Value begin = lb.loadIndex(offsets, {e});
        Value end = lb.loadIndex(offsets, {lb.add(e, lb.index(1))});
        Value tiles = ceilDiv(lb, lb.sub(end, begin), tileM);
        Value mine = lb.andi(
            lb.cmp(arith::CmpIPredicate::uge, tile, first),
            lb.cmp(arith::CmpIPredicate::ult, tile, lb.add(first, tiles)));
        Value rowBegin =
            lb.add(begin, lb.mul(lb.sub(tile, first), lb.index(tileM)));
        return SmallVector<Value>{lb.add(first, tiles),
                                  lb.select(mine, e, state[1]),
                                  lb.select(mine, rowBegin, state[2]),
                                  lb.select(mine, end, state[3])};
      });
  return {found[1], found[2], found[3]};
}

Value mlir::sieve::rowTileCount(LoopBuilder &b, Value pairs, Value numExperts,
                                int64_t tileM) {
  return b.add(ceilDiv(b, b.dim(pairs, 0), tileM), numExperts);
}

void mlir::sieve::addToOutput(LoopBuilder &b, Value out, ValueRange indices,
                              Value value, bool atomic) {
  if (!atomic) {
    b.storeF32(b.addf(b.loadF32(out, indices), value), out, indices);
    return;
  }
  Type element = cast<MemRefType>(out.getType()).getElementType();
  if (element != value.getType())
    value = arith::TruncFOp::create(b.builder(), b.location(), element, value);
  memref::AtomicRMWOp::create(b.builder(), b.location(),
                              arith::AtomicRMWKind::addf, value, out, indices);
}

/// The element type the float operands of `op` share, or null.
Type mlir::sieve::floatElementType(Operation *op) {
  Type shared;
  for (Type type : op->getOperandTypes()) {
    auto memref = dyn_cast<MemRefType>(type);
    if (!memref || !isa<FloatType>(memref.getElementType()))
      continue;
    if (shared && shared != memref.getElementType())
      return {};
    shared = memref.getElementType();
  }
  return shared;
}

CvmmOperands::CvmmOperands(CvmmOp op, LoopBuilder &b)
    : input(op.getInput()), weight(op.getWeight()), pairs(op.getSortedPairs()),
      offsets(op.getOffsets()), scale(op.getScale()), out(op.getInit()),
      transposed(op.getTransposeWeight()), k(op.getK()) {
  numExperts = b.dim(weight, 0);
  inWidth = b.dim(weight, transposed ? 2 : 1);
  outWidth = b.dim(weight, transposed ? 1 : 2);
}

void mlir::sieve::storeCvmmResult(LoopBuilder &b, CvmmOp op,
                                  const CvmmOperands &operands, Value rowBegin,
                                  Value rowEnd, Value columnBegin, Value row,
                                  Value column, Value value) {
  Value j = b.add(rowBegin, row);
  Value l = b.add(columnBegin, column);
  b.ifThen(bothBelow(b, j, rowEnd, l, operands.outWidth), [&](LoopBuilder &sb) {
    auto [token, slot] = pairAt(sb, operands.pairs, j, operands.k);
    Value v = value;
    if (operands.scale)
      v = sb.mulf(v, sb.loadF32(operands.scale, {token, slot}));
    if (op.getOutputRows() == RowOrder::Token)
      addToOutput(sb, operands.out, {token, l}, v, /*atomic=*/true);
    else
      addToOutput(sb, operands.out, {j, l}, v, /*atomic=*/false);
  });
}
