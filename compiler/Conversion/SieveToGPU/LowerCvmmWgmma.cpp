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

constexpr int64_t kTileK = WarpgroupGemm::kTileK;

void lowerCvmm(CvmmOp op, LoopBuilder &b, Type element,
               const WgmmaTileConfig &cfg) {
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
  Value tensorMap = TmaWeight::create(b, weight, layout, cfg);

  WarpgroupGemm::launch(
      b, cfg, element, layout,
      {rowTileCount(b, pairs, numExperts, cfg.tileM),
       ceilDiv(b, outWidth, cfg.tileN), b.index(1)},
      [&](LoopBuilder &kb, WarpgroupGemm &gemm) {
        gpu::LaunchOp launch = gemm.op();
        auto [expert, rowBegin, rowEnd] = findRowTile(
            kb, offsets, numExperts, launch.getBlockIds().x, cfg.tileM);
        Value columnBegin = kb.mul(launch.getBlockIds().y, kb.index(cfg.tileN));
        Value busy = kb.cmp(arith::CmpIPredicate::sge, expert, kb.index(0));
        kb.ifThen(busy, [&](LoopBuilder &tb) {
          WgmmaStep step;
          step.fill = [&](LoopBuilder &lb, Value s, const WgmmaTiles &tiles) {
            Value kBegin = lb.mul(s, lb.index(kTileK));
            gemm.fillKMajor(
                lb, tiles.a, /*rowFastest=*/false,
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
            return SmallVector<Value>{lb.add(columnBegin, lb.index(box * 64)),
                                      kBegin, expert};
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

void lowerCvmmWeightGrad(CvmmWeightGradOp op, LoopBuilder &b, Type element,
                         const WgmmaTileConfig &cfg) {
  Value input = op.getInput(), grad = op.getGradOutput();
  Value pairs = op.getSortedPairs(), offsets = op.getOffsets();
  Value scale = op.getScale(), out = op.getInit();
  int64_t k = op.getK();
  Value numExperts = b.dim(out, 0), inWidth = b.dim(out, 1);
  Value outWidth = b.dim(out, 2);

  // Split-K: blocks sharing an expert's reduction add atomically.
  int64_t splitK = cfg.splitK;
  WarpgroupGemm::launch(
      b, cfg, element, WgmmaBLayout::KMajor,
      weightGradGrid(b, inWidth, outWidth, numExperts, cfg.tileM, cfg.tileN,
                     splitK),
      [&](LoopBuilder &kb, WarpgroupGemm &gemm) {
        WeightGradTile tile(kb, gemm.op().getBlockIds(), offsets, cfg.tileM,
                            cfg.tileN, kTileK, splitK);
        Value expert = tile.expert, mBegin = tile.mBegin;
        Value columnBegin = tile.columnBegin, rowBegin = tile.rowBegin;
        Value rowEnd = tile.rowEnd;
        // Both tiles are K-major over the expert's rows: A is the input's
        // columns m (scaled per pair), B the output gradient's columns n.
        WgmmaStep step;
        step.fill = [&](LoopBuilder &lb, Value s, const WgmmaTiles &tiles) {
          Value jBegin = lb.add(rowBegin, lb.mul(s, lb.index(kTileK)));
          gemm.fillKMajor(
              lb, tiles.a, /*rowFastest=*/true,
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
              lb, tiles.b, /*rowFastest=*/true,
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
        SmallVector<Value> acc =
            gemm.accumulate(kb, tile.firstStep, tile.endStep, step);
        gemm.forEachResult(
            kb, acc,
            [&](LoopBuilder &eb, Value row, Value column, Value value) {
              Value m = eb.add(mBegin, row);
              Value l = eb.add(columnBegin, column);
              eb.ifThen(bothBelow(eb, m, inWidth, l, outWidth),
                        [&](LoopBuilder &sb) {
                          addToOutput(sb, out, {expert, m, l}, value,
                                      /*atomic=*/splitK > 1);
                        });
            });
      });
}

} // namespace

std::optional<WgmmaTileConfig>
mlir::sieve::wgmmaTilesFor(Operation *op, const GemmTileConfig &config) {
  Type element = floatElementType(op);
  if (!element || !(element.isBF16() || element.isF16()))
    return std::nullopt;
  auto cvmm = dyn_cast<CvmmOp>(op);
  if (cvmm && !TmaWeight::supports(cvmm.getWeight()))
    return std::nullopt;
  return WgmmaTileConfig::from(config);
}

void mlir::sieve::lowerCvmmToWgmma(Operation *op,
                                   const WgmmaTileConfig &config) {
  Type element = floatElementType(op);
  OpBuilder builder(op);
  LoopBuilder b(builder, op->getLoc());
  if (auto cvmm = dyn_cast<CvmmOp>(op))
    lowerCvmm(cvmm, b, element, config);
  else
    lowerCvmmWeightGrad(cast<CvmmWeightGradOp>(op), b, element, config);
}
