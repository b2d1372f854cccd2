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

#include "compiler/Conversion/SieveToGPU/Lowerings.h"
#include "compiler/Conversion/SieveToGPU/TiledGemm.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

/// a < aEnd && c < cEnd (unsigned): a tile position inside both operands.
Value bothBelow(LoopBuilder &b, Value a, Value aEnd, Value c, Value cEnd) {
  return b.andi(b.cmp(arith::CmpIPredicate::ult, a, aEnd),
                b.cmp(arith::CmpIPredicate::ult, c, cEnd));
}

Value ceilDiv(LoopBuilder &b, Value value, int64_t divisor) {
  return arith::CeilDivUIOp::create(b.builder(), b.location(), value,
                                    b.index(divisor));
}

/// Token and slot of the pair at sorted position `j`.
std::pair<Value, Value> pairAt(LoopBuilder &b, Value pairs, Value j,
                               int64_t k) {
  Value p = b.loadIndex(pairs, {j});
  return {b.divu(p, b.index(k)), b.remu(p, b.index(k))};
}

Value rowIn(LoopBuilder &b, RowOrder order, Value pairs, Value j, int64_t k) {
  return order == RowOrder::Token ? pairAt(b, pairs, j, k).first : j;
}

/// For block `tile` of the grouped row tiles: its expert (-1 when the
/// block has none) and its rows [begin, end).
std::array<Value, 3> findRowTile(LoopBuilder &b, Value offsets,
                                 Value numExperts, Value tile, int64_t tileM) {
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

void lowerCvmm(CvmmOp op, LoopBuilder &b, const GemmTileConfig &cfg) {
  Value input = op.getInput(), weight = op.getWeight();
  Value pairs = op.getSortedPairs(), offsets = op.getOffsets();
  Value scale = op.getScale(), out = op.getInit();
  bool transposed = op.getTransposeWeight();
  int64_t k = op.getK();
  Value numExperts = b.dim(weight, 0);
  Value inWidth = b.dim(weight, transposed ? 2 : 1);
  Value outWidth = b.dim(weight, transposed ? 1 : 2);
  // At most ceil(rows / tileM) + N_E row tiles, whatever the routing.
  Value rowTiles = b.add(ceilDiv(b, b.dim(pairs, 0), cfg.tileM()), numExperts);
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
                Value j = eb.add(rowBegin, row);
                Value l = eb.add(columnBegin, column);
                Value ok = bothBelow(eb, j, rowEnd, l, outWidth);
                eb.ifThen(ok, [&](LoopBuilder &sb) {
                  auto [token, slot] = pairAt(sb, pairs, j, k);
                  Value v = value;
                  if (scale)
                    v = sb.mulf(v, sb.loadF32(scale, {token, slot}));
                  if (op.getOutputRows() == RowOrder::Token) {
                    memref::AtomicRMWOp::create(sb.builder(), sb.location(),
                                                arith::AtomicRMWKind::addf, v,
                                                out, ValueRange{token, l});
                    return;
                  }
                  sb.storeF32(sb.addf(sb.loadF32(out, {j, l}), v), out, {j, l});
                });
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

  // Split-K: blocks (z = expert * splitK + part) share an expert's
  // reduction steps.
  int64_t splitK = cfg.splitK;
  TiledGemm::launch(
      b, cfg,
      {ceilDiv(b, inWidth, cfg.tileM()), ceilDiv(b, outWidth, cfg.tileN()),
       splitK == 1 ? numExperts : b.mul(numExperts, b.index(splitK))},
      [&](LoopBuilder &kb, TiledGemm &gemm) {
        gpu::LaunchOp launch = gemm.op();
        Value z = launch.getBlockIds().z;
        Value expert = splitK == 1 ? z : kb.divu(z, kb.index(splitK));
        Value part = splitK == 1 ? kb.index(0) : kb.remu(z, kb.index(splitK));
        Value mBegin = kb.mul(launch.getBlockIds().x, kb.index(cfg.tileM()));
        Value columnBegin =
            kb.mul(launch.getBlockIds().y, kb.index(cfg.tileN()));
        Value rowBegin = kb.loadIndex(offsets, {expert});
        Value rowEnd = kb.loadIndex(offsets, {kb.add(expert, kb.index(1))});
        Value steps = ceilDiv(kb, kb.sub(rowEnd, rowBegin), cfg.kTile);
        Value firstStep = part, endStep = steps;
        if (splitK > 1) {
          Value perPart = ceilDiv(kb, steps, splitK);
          auto atMost = [&](Value value, Value limit) {
            return kb.select(kb.cmp(arith::CmpIPredicate::ult, value, limit),
                             value, limit);
          };
          firstStep = atMost(kb.mul(part, perPart), steps);
          endStep = atMost(kb.add(firstStep, perPart), steps);
        }
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
            gemm.accumulate(kb, firstStep, endStep, a, bOp);
        gemm.forEachResult(
            kb, acc,
            [&](LoopBuilder &eb, Value row, Value column, Value value) {
              Value m = eb.add(mBegin, row);
              Value l = eb.add(columnBegin, column);
              Value ok = bothBelow(eb, m, inWidth, l, outWidth);
              eb.ifThen(ok, [&](LoopBuilder &sb) {
                if (splitK > 1) {
                  memref::AtomicRMWOp::create(sb.builder(), sb.location(),
                                              arith::AtomicRMWKind::addf, value,
                                              out, ValueRange{expert, m, l});
                  return;
                }
                sb.storeF32(sb.addf(sb.loadF32(out, {expert, m, l}), value),
                            out, {expert, m, l});
              });
            });
      });
}

bool allF32(Operation *op) {
  return llvm::all_of(op->getOperandTypes(), [](Type type) {
    auto memref = dyn_cast<MemRefType>(type);
    return !memref || !isa<FloatType>(memref.getElementType()) ||
           memref.getElementType().isF32();
  });
}

} // namespace

LogicalResult mlir::sieve::lowerCvmmsToGpu(Operation *root,
                                           const GemmTileConfig &cfg) {
  SmallVector<Operation *> ops;
  root->walk([&](Operation *op) {
    if (isa<CvmmOp, CvmmWeightGradOp>(op))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    auto dps = cast<DestinationStyleOpInterface>(op);
    if (!dps.hasPureBufferSemantics() || !allF32(op))
      continue; // left for sieve-convert-to-scf
    OpBuilder builder(op);
    LoopBuilder b(builder, op->getLoc());
    if (auto cvmm = dyn_cast<CvmmOp>(op))
      lowerCvmm(cvmm, b, cfg);
    else
      lowerCvmmWeightGrad(cast<CvmmWeightGradOp>(op), b, cfg);
    op->erase();
  }
  return success();
}
