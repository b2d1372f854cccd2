//===- LowerCvmmWgmma.cpp - CVMM on Hopper's warpgroup MMA and TMA --------===//
//
// On sm_90a, CVMMs whose operands are bf16 or f16 in memory run on the
// warpgroup MMA (WarpgroupGemm): the same grouped GEMM as LowerCvmm.cpp (a
// block per tile of one expert's sorted rows and tile of output columns,
// experts found from the offsets, token rows gathered through the sorted
// pairs), with the expert's weight tile brought by TMA from a tensor map
// made on the host. The weight gradient reduces over the expert's rows,
// which are gathered, so both of its tiles are stored by the threads.
// Sums are f32; results are rounded to the output's type once.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SieveToGPU/CvmmRows.h"
#include "compiler/Conversion/SieveToGPU/Lowerings.h"
#include "compiler/Conversion/SieveToGPU/WarpgroupGemm.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

constexpr int64_t kTileM = WarpgroupGemm::kTileM;
constexpr int64_t kTileN = WarpgroupGemm::kTileN;
constexpr int64_t kTileK = WarpgroupGemm::kTileK;

void lowerCvmm(CvmmOp op, LoopBuilder &b, Type element) {
  CvmmOperands operands(op, b);
  Value input = operands.input, weight = operands.weight;
  Value pairs = operands.pairs, offsets = operands.offsets;
  Value numExperts = operands.numExperts, inWidth = operands.inWidth;
  Value outWidth = operands.outWidth;
  bool transposed = operands.transposed;
  int64_t k = operands.k;
  // The transposed weight (N_E, out, in) is K-major as stored; the plain
  // one (N_E, in, out) comes as two N-major boxes.
  WgmmaBLayout layout =
      transposed ? WgmmaBLayout::KMajor : WgmmaBLayout::NMajor;
  Value tensorMap = TmaWeight::create(b, weight, layout);

  WarpgroupGemm::launch(
      b, op, element, layout,
      {rowTileCount(b, pairs, numExperts, kTileM), ceilDiv(b, outWidth, kTileN),
       b.index(1)},
      [&](LoopBuilder &kb, WarpgroupGemm &gemm) {
        gpu::LaunchOp launch = gemm.op();
        auto [expert, rowBegin, rowEnd] = findRowTile(
            kb, offsets, numExperts, launch.getBlockIds().x, kTileM);
        Value columnBegin = kb.mul(launch.getBlockIds().y, kb.index(kTileN));
        Value busy = kb.cmp(arith::CmpIPredicate::sge, expert, kb.index(0));
        kb.ifThen(busy, [&](LoopBuilder &tb) {
          WgmmaStep step;
          step.fill = [&](LoopBuilder &lb, Value s) {
            Value kBegin = lb.mul(s, lb.index(kTileK));
            gemm.fillKMajor(
                lb, gemm.aTile(), /*rowFastest=*/false,
                [&](LoopBuilder &eb, Value row, Value kk) {
                  return bothBelow(eb, eb.add(rowBegin, row), rowEnd,
                                   eb.add(kBegin, kk), inWidth);
                },
                [&](LoopBuilder &eb, Value row, Value kk) {
                  Value j = eb.add(rowBegin, row);
                  return eb.load(input,
                                 {rowIn(eb, op.getInputRows(), pairs, j, k),
                                  eb.add(kBegin, kk)});
                });
          };
          step.tensorMap = tensorMap;
          step.boxAt = [&](LoopBuilder &lb, Value s, int64_t box) {
            Value kBegin = lb.mul(s, lb.index(kTileK));
            if (transposed)
              return SmallVector<Value>{kBegin, columnBegin, expert};
            return SmallVector<Value>{
                lb.add(columnBegin, lb.index(box * kTileN / 2)), kBegin,
                expert};
          };
          SmallVector<Value> acc = gemm.accumulate(
              tb, tb.index(0), ceilDiv(tb, inWidth, kTileK), step);
          gemm.forEachResult(
              tb, acc,
              [&](LoopBuilder &eb, Value row, Value column, Value value) {
                storeCvmmResult(eb, op, operands, rowBegin, rowEnd, columnBegin,
                                row, column, value);
              });
        });
      });
}

void lowerCvmmWeightGrad(CvmmWeightGradOp op, LoopBuilder &b, Type element) {
  Value input = op.getInput(), grad = op.getGradOutput();
  Value pairs = op.getSortedPairs(), offsets = op.getOffsets();
  Value scale = op.getScale(), out = op.getInit();
  int64_t k = op.getK();
  Value numExperts = b.dim(out, 0), inWidth = b.dim(out, 1);
  Value outWidth = b.dim(out, 2);

  WarpgroupGemm::launch(
      b, op, element, WgmmaBLayout::KMajor,
      {ceilDiv(b, inWidth, kTileM), ceilDiv(b, outWidth, kTileN), numExperts},
      [&](LoopBuilder &kb, WarpgroupGemm &gemm) {
        gpu::LaunchOp launch = gemm.op();
        Value expert = launch.getBlockIds().z;
        Value mBegin = kb.mul(launch.getBlockIds().x, kb.index(kTileM));
        Value columnBegin = kb.mul(launch.getBlockIds().y, kb.index(kTileN));
        Value rowBegin = kb.loadIndex(offsets, {expert});
        Value rowEnd = kb.loadIndex(offsets, {kb.add(expert, kb.index(1))});
        // Both tiles are K-major over the expert's rows: A is the input's
        // columns m (scaled per pair), B the output gradient's columns n.
        WgmmaStep step;
        step.fill = [&](LoopBuilder &lb, Value s) {
          Value jBegin = lb.add(rowBegin, lb.mul(s, lb.index(kTileK)));
          gemm.fillKMajor(
              lb, gemm.aTile(), /*rowFastest=*/true,
              [&](LoopBuilder &eb, Value m, Value jj) {
                return bothBelow(eb, eb.add(jBegin, jj), rowEnd,
                                 eb.add(mBegin, m), inWidth);
              },
              [&](LoopBuilder &eb, Value m, Value jj) {
                Value j = eb.add(jBegin, jj);
                Value v = eb.loadF32(input,
                                     {rowIn(eb, op.getInputRows(), pairs, j, k),
                                      eb.add(mBegin, m)});
                if (!scale)
                  return v;
                auto [token, slot] = pairAt(eb, pairs, j, k);
                return eb.mulf(v, eb.loadF32(scale, {token, slot}));
              });
          gemm.fillKMajor(
              lb, gemm.bTile(), /*rowFastest=*/true,
              [&](LoopBuilder &eb, Value n, Value jj) {
                return bothBelow(eb, eb.add(jBegin, jj), rowEnd,
                                 eb.add(columnBegin, n), outWidth);
              },
              [&](LoopBuilder &eb, Value n, Value jj) {
                Value j = eb.add(jBegin, jj);
                return eb.load(grad, {rowIn(eb, op.getGradRows(), pairs, j, k),
                                      eb.add(columnBegin, n)});
              });
        };
        SmallVector<Value> acc = gemm.accumulate(
            kb, kb.index(0), ceilDiv(kb, kb.sub(rowEnd, rowBegin), kTileK),
            step);
        gemm.forEachResult(
            kb, acc,
            [&](LoopBuilder &eb, Value row, Value column, Value value) {
              Value m = eb.add(mBegin, row);
              Value l = eb.add(columnBegin, column);
              eb.ifThen(bothBelow(eb, m, inWidth, l, outWidth),
                        [&](LoopBuilder &sb) {
                          addToOutput(sb, out, {expert, m, l}, value,
                                      /*atomic=*/false);
                        });
            });
      });
}

} // namespace

bool mlir::sieve::lowerCvmmToWgmma(Operation *op) {
  Type element = floatElementType(op);
  if (!element || !(element.isBF16() || element.isF16()))
    return false;
  auto cvmm = dyn_cast<CvmmOp>(op);
  if (cvmm && !TmaWeight::supports(cvmm.getWeight()))
    return false;
  OpBuilder builder(op);
  LoopBuilder b(builder, op->getLoc());
  if (cvmm) {
    lowerCvmm(cvmm, b, element);
    return true;
  }
  lowerCvmmWeightGrad(cast<CvmmWeightGradOp>(op), b, element);
  return true;
}
