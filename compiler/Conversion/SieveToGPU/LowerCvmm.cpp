//===- LowerCvmm.cpp - CVMM and its weight gradient as tiled GPU kernels --===//
//
// sieve.cvmm is a grouped GEMM over the rows dispatch sorted by expert
// (App. B.1): each thread block takes a tile of tileM sorted rows of one
// expert (blocks find theirs by walking the experts' offsets: no host-side
// schedule, no launch per expert, no padding to the largest expert) and
// tileN output columns. Rows addressed by token are gathered through the
// sorted pairs as the A tile is loaded; no (tokens*K x d) copy is made. A
// block writes sorted output rows alone; token output rows receive one
// pair per slot from different blocks, so they are added atomically.
//
// sieve.cvmm_weight_grad is one GEMM per expert with the reduction over
// the expert's rows: block (m tile, column tile, expert) owns its part of
// dW, reduces in order, and adds it once: deterministic.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SieveToGPU/CvmmRows.h"
#include "compiler/Conversion/SieveToGPU/Lowerings.h"
#include "compiler/Conversion/SieveToGPU/TiledGemm.h"
#include "compiler/Conversion/SieveToGPU/WarpgroupGemm.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

void lowerCvmm(CvmmOp op, LoopBuilder &b, const GemmTileConfig &cfg) {
  CvmmOperands operands(op, b);
  Value input = operands.input, weight = operands.weight;
  Value pairs = operands.pairs, offsets = operands.offsets;
  Value numExperts = operands.numExperts, inWidth = operands.inWidth;
  Value outWidth = operands.outWidth;
  bool transposed = operands.transposed;
  int64_t k = operands.k;
  // At most ceil(rows / tileM) + N_E row tiles, whatever the routing.
  Value rowTiles = rowTileCount(b, pairs, numExperts, cfg.tileM());
  Value columnTiles = ceilDiv(b, outWidth, cfg.tileN());

  TiledGemm::launch(
      b, cfg, {rowTiles, columnTiles, b.index(1)},
      [&](LoopBuilder &kb, TiledGemm &gemm) {
        gpu::LaunchOp launch = gemm.op();
        auto [expert, rowBegin, rowEnd] = findRowTile(
            kb, offsets, numExperts, launch.getBlockIds().x, cfg.tileM());
        Value columnBegin =
            kb.mul(launch.getBlockIds().y, kb.index(cfg.tileN()));
        Value busy = kb.cmp(arith::CmpIPredicate::sge, expert, kb.index(0));
        kb.ifThen(busy, [&](LoopBuilder &tb) {
          // A: the expert's sorted rows (gathered by token where the input
          // is token-ordered) by the reduction over in_width.
          TileOperand a, bOp;
          a.inBounds = [&](LoopBuilder &lb, Value step, Value row, Value kk) {
            Value m = lb.add(lb.mul(step, lb.index(cfg.kTile)), kk);
            return bothBelow(lb, lb.add(rowBegin, row), rowEnd, m, inWidth);
          };
          a.address = [&](LoopBuilder &lb, Value step, Value row, Value kk) {
            Value j = lb.add(rowBegin, row);
            Value m = lb.add(lb.mul(step, lb.index(cfg.kTile)), kk);
            return std::pair{input,
                             SmallVector<Value>{
                                 rowIn(lb, op.getInputRows(), pairs, j, k), m}};
          };
          // B: the expert's weight, (in_width x out_width) or transposed.
          bOp.inBounds = [&](LoopBuilder &lb, Value step, Value kk, Value n) {
            Value m = lb.add(lb.mul(step, lb.index(cfg.kTile)), kk);
            return bothBelow(lb, m, inWidth, lb.add(columnBegin, n), outWidth);
          };
          bOp.address = [&](LoopBuilder &lb, Value step, Value kk, Value n) {
            Value m = lb.add(lb.mul(step, lb.index(cfg.kTile)), kk);
            Value l = lb.add(columnBegin, n);
            return std::pair{weight, transposed
                                         ? SmallVector<Value>{expert, l, m}
                                         : SmallVector<Value>{expert, m, l}};
          };
          bOp.rowFastest = transposed;
          SmallVector<Value> acc = gemm.accumulate(
              tb, tb.index(0), ceilDiv(tb, inWidth, cfg.kTile), a, bOp);
          gemm.forEachResult(
              tb, acc,
              [&](LoopBuilder &eb, Value row, Value column, Value value) {
                storeCvmmResult(eb, op, operands, rowBegin, rowEnd, columnBegin,
                                row, column, value);
              });
        });
      });
}

void lowerCvmmWeightGrad(CvmmWeightGradOp op, LoopBuilder &b,
                         const GemmTileConfig &cfg) {
  Value input = op.getInput(), grad = op.getGradOutput();
  Value pairs = op.getSortedPairs(), offsets = op.getOffsets();
  Value scale = op.getScale(), out = op.getInit();
  int64_t k = op.getK();
  Value numExperts = b.dim(out, 0), inWidth = b.dim(out, 1);
  Value outWidth = b.dim(out, 2);

  // Split-K: blocks sharing an expert's reduction add atomically.
  int64_t splitK = cfg.splitK;
  TiledGemm::launch(
      b, cfg,
      weightGradGrid(b, inWidth, outWidth, numExperts, cfg.tileM(), cfg.tileN(),
                     splitK),
      [&](LoopBuilder &kb, TiledGemm &gemm) {
        WeightGradTile tile(kb, gemm.op().getBlockIds(), offsets, cfg.tileM(),
                            cfg.tileN(), cfg.kTile, splitK);
        Value expert = tile.expert, mBegin = tile.mBegin;
        Value columnBegin = tile.columnBegin, rowBegin = tile.rowBegin;
        Value rowEnd = tile.rowEnd;
        auto rowOf = [&](LoopBuilder &lb, Value step, Value jj) {
          return lb.add(rowBegin,
                        lb.add(lb.mul(step, lb.index(cfg.kTile)), jj));
        };
        // A: the input's rows of the expert, transposed (tileM input
        // columns by the reduction over rows), scaled per pair.
        TileOperand a, bOp;
        a.inBounds = [&](LoopBuilder &lb, Value step, Value row, Value jj) {
          return bothBelow(lb, rowOf(lb, step, jj), rowEnd, lb.add(mBegin, row),
                           inWidth);
        };
        a.address = [&](LoopBuilder &lb, Value step, Value row, Value jj) {
          Value j = rowOf(lb, step, jj);
          return std::pair{input, SmallVector<Value>{
                                      rowIn(lb, op.getInputRows(), pairs, j, k),
                                      lb.add(mBegin, row)}};
        };
        a.rowFastest = true;
        if (scale)
          a.scale = [&](LoopBuilder &lb, Value step, Value, Value jj) {
            auto [token, slot] = pairAt(lb, pairs, rowOf(lb, step, jj), k);
            return lb.loadF32(scale, {token, slot});
          };
        // B: the output gradient's rows of the expert.
        bOp.inBounds = [&](LoopBuilder &lb, Value step, Value jj, Value n) {
          return bothBelow(lb, rowOf(lb, step, jj), rowEnd,
                           lb.add(columnBegin, n), outWidth);
        };
        bOp.address = [&](LoopBuilder &lb, Value step, Value jj, Value n) {
          Value j = rowOf(lb, step, jj);
          return std::pair{
              grad, SmallVector<Value>{rowIn(lb, op.getGradRows(), pairs, j, k),
                                       lb.add(columnBegin, n)}};
        };
        bOp.rowFastest = false;
        SmallVector<Value> acc =
            gemm.accumulate(kb, tile.firstStep, tile.endStep, a, bOp);
        gemm.forEachResult(
            kb, acc,
            [&](LoopBuilder &eb, Value row, Value column, Value value) {
              Value m = eb.add(mBegin, row);
              Value l = eb.add(columnBegin, column);
              Value ok = bothBelow(eb, m, inWidth, l, outWidth);
              eb.ifThen(ok, [&](LoopBuilder &sb) {
                addToOutput(sb, out, {expert, m, l}, value,
                            /*atomic=*/splitK > 1);
              });
            });
      });
}

/// The tiles `op` runs on as an mma.sync / FMA kernel: bf16 and f16
/// operands are widened to the f32 tiles as they are loaded, synchronously
/// (cp.async copies elements as they are).
GemmTileConfig mmaSyncTiles(Operation *op, const GemmTileConfig &config) {
  GemmTileConfig own = config;
  Type element = floatElementType(op);
  if (element && !element.isF32())
    own.stages = 1;
  return own;
}

} // namespace

std::string mlir::sieve::kernelTilesKey(Operation *op,
                                        const GemmTileConfig &config,
                                        bool wgmma) {
  std::optional<WgmmaTileConfig> tiles =
      wgmma ? wgmmaTilesFor(op, config) : std::nullopt;
  if (tiles && isa<CvmmOp>(op))
    tiles->splitK = 1;
  if (tiles)
    return tiles->str();
  GemmTileConfig own = mmaSyncTiles(op, config);
  if (isa<CvmmOp>(op))
    own.splitK = 1;
  return own.str();
}

LogicalResult mlir::sieve::lowerCvmmsToGpu(Operation *root,
                                           const GemmTileConfig &cfg,
                                           bool wgmma) {
  SmallVector<Operation *> ops;
  root->walk([&](Operation *op) {
    if (isa<CvmmOp, CvmmWeightGradOp>(op))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    auto dps = cast<DestinationStyleOpInterface>(op);
    Type element = floatElementType(op);
    if (!dps.hasPureBufferSemantics() || !element)
      continue; // left for sieve-convert-to-scf
    if (std::optional<WgmmaTileConfig> tiles =
            wgmma ? wgmmaTilesFor(op, cfg) : std::nullopt) {
      lowerCvmmToWgmma(op, *tiles);
      op->erase();
      continue;
    }
    GemmTileConfig opConfig = mmaSyncTiles(op, cfg);
    OpBuilder builder(op);
    LoopBuilder b(builder, op->getLoc());
    if (auto cvmm = dyn_cast<CvmmOp>(op))
      lowerCvmm(cvmm, b, opConfig);
    else
      lowerCvmmWeightGrad(cast<CvmmWeightGradOp>(op), b, opConfig);
    op->erase();
  }
  return success();
}
