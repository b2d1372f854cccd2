//===- LowerAdjoints.cpp - backward-pass primitives to loops --------------===//
//
// The reference loops of the adjoint primitives (SieveAdjointOps.td). Each
// parallel dimension is one whose iterations write disjoint elements: rows
// for per-token gradients, sorted positions for per-pair ones (the sorted
// pairs are a permutation), columns where several rows accumulate into one.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SieveToSCF/BufferPattern.h"
#include "compiler/Conversion/SieveToSCF/Lowerings.h"
#include "compiler/Conversion/SieveToSCF/PairRows.h"

using namespace mlir;
using namespace mlir::sieve;

using Pred = arith::CmpIPredicate;

namespace {

/// Whether index `i` is in [0, size).
Value inRange(LoopBuilder &b, Value i, Value size) {
  return b.andi(b.cmp(Pred::sge, i, b.index(0)), b.cmp(Pred::slt, i, size));
}

/// `init[indices] += value`.
void accumulate(LoopBuilder &b, Value init, ValueRange indices, Value value) {
  b.storeF32(b.addf(b.loadF32(init, indices), value), init, indices);
}

struct LowerSelectGrad : BufferPattern<SelectGradOp> {
  using BufferPattern::BufferPattern;

  void lower(SelectGradOp op, LoopBuilder &lb) const override {
    Value scores = op.getScores(), indices = op.getIndices();
    Value grad = op.getGradSelected(), keep = op.getKeep();
    Value init = op.getInit();
    Value width = lb.dim(scores, 1), k = lb.dim(indices, 1);
    bool renormalize = op.getRenormalize();

    lb.parallel(
        lb.index(0), lb.dim(scores, 0), [&](LoopBuilder &b, ValueRange row) {
          Value n = row[0];
          // The index of slot j clamped into range, whether it was in range,
          // and its mask factor m_j (1 without a mask, 0 out of range).
          auto slot = [&](LoopBuilder &sb, Value j) {
            Value i = sb.loadIndex(indices, {n, j});
            Value valid = inRange(sb, i, width);
            Value safe = sb.select(valid, i, sb.index(0));
            Value m = sb.select(valid, sb.f32(1.0), sb.f32(0.0));
            if (keep)
              m = sb.select(sb.load(keep, {n, safe}), m, sb.f32(0.0));
            return std::make_tuple(safe, valid, m);
          };
          // With renormalisation: 1/S and D = sum_j dg_j g_j, both 0 for a row
          // whose gates are all zero (S = 0), which then gets nothing.
          Value inverse, dot;
          if (renormalize) {
            SmallVector<Value> sums = b.forEach(
                b.index(0), k, {b.f32(0.0), b.f32(0.0)},
                [&](LoopBuilder &sb, Value j, ValueRange acc) {
                  auto [i, valid, m] = slot(sb, j);
                  Value ms = sb.mulf(m, sb.loadF32(scores, {n, i}));
                  Value dg = sb.loadF32(grad, {n, j});
                  return SmallVector<Value>{sb.addf(acc[0], ms),
                                            sb.addf(acc[1], sb.mulf(dg, ms))};
                });
            Value nonzero =
                b.cmpf(arith::CmpFPredicate::ONE, sums[0], b.f32(0.0));
            Value safe = b.select(nonzero, sums[0], b.f32(1.0));
            inverse = b.select(nonzero, b.divf(b.f32(1.0), safe), b.f32(0.0));
            dot = b.mulf(sums[1], inverse);
          }
          b.forEach(b.index(0), k, [&](LoopBuilder &sb, Value j) {
            auto [i, valid, m] = slot(sb, j);
            Value dg = sb.loadF32(grad, {n, j});
            Value term = renormalize
                             ? sb.mulf(sb.mulf(m, sb.subf(dg, dot)), inverse)
                             : sb.mulf(m, dg);
            sb.ifThen(valid, [&](LoopBuilder &ib) {
              accumulate(ib, init, {n, i}, term);
            });
          });
        });
  }
};

struct LowerProductKeyGrad : BufferPattern<ProductKeyGradOp> {
  using BufferPattern::BufferPattern;

  void lower(ProductKeyGradOp op, LoopBuilder &lb) const override {
    Value grad = op.getGradScores(), indices = op.getIndices();
    Value gradA = op.getGradAInit(), gradB = op.getGradBInit();
    Value zero = lb.index(0);
    Value subkeys = lb.dim(gradA, 2), k = lb.dim(grad, 2);
    Value full = lb.mul(subkeys, subkeys);
    lb.parallel({zero, zero}, {lb.dim(grad, 0), lb.dim(grad, 1)},
                [&](LoopBuilder &b, ValueRange nh) {
                  Value n = nh[0], h = nh[1];
                  b.forEach(b.index(0), k, [&](LoopBuilder &jb, Value j) {
                    Value i = jb.loadIndex(indices, {n, h, j});
                    jb.ifThen(inRange(jb, i, full), [&](LoopBuilder &ib) {
                      Value g = ib.loadF32(grad, {n, h, j});
                      accumulate(ib, gradA, {n, h, ib.remu(i, subkeys)}, g);
                      accumulate(ib, gradB, {n, h, ib.divu(i, subkeys)}, g);
                    });
                  });
                });
  }
};

struct LowerGatherDot : BufferPattern<GatherDotOp> {
  using BufferPattern::BufferPattern;

  void lower(GatherDotOp op, LoopBuilder &lb) const override {
    Value grad = op.getGradOutput(), indices = op.getIndices();
    Value table = op.getTable(), init = op.getInit();
    Value rows = lb.dim(table, 0), width = lb.dim(table, 1);
    Value selected = lb.dim(indices, 1);
    lb.parallel(
        lb.index(0), lb.dim(grad, 0), [&](LoopBuilder &b, ValueRange token) {
          Value n = token[0];
          b.forEach(b.index(0), selected, [&](LoopBuilder &jb, Value j) {
            Value i = jb.loadIndex(indices, {n, j});
            jb.ifThen(inRange(jb, i, rows), [&](LoopBuilder &ib) {
              Value dot =
                  ib.forEach(ib.index(0), width, {ib.f32(0.0)},
                             [&](LoopBuilder &db, Value c, ValueRange acc) {
                               Value term = db.mulf(db.loadF32(grad, {n, c}),
                                                    db.loadF32(table, {i, c}));
                               return SmallVector<Value>{db.addf(acc[0], term)};
                             })[0];
              accumulate(ib, init, {n, j}, dot);
            });
          });
        });
  }
};

struct LowerScatterSum : BufferPattern<ScatterSumOp> {
  using BufferPattern::BufferPattern;

  /// Several (token, slot) pairs may select one row: columns are the
  /// parallel dimension.
  void lower(ScatterSumOp op, LoopBuilder &lb) const override {
    Value weights = op.getWeights(), indices = op.getIndices();
    Value grad = op.getGradOutput(), init = op.getInit();
    Value rows = lb.dim(init, 0), tokens = lb.dim(grad, 0);
    Value selected = lb.dim(indices, 1);
    lb.parallel(
        lb.index(0), lb.dim(init, 1), [&](LoopBuilder &b, ValueRange column) {
          Value c = column[0];
          b.forEach(b.index(0), tokens, [&](LoopBuilder &nb, Value n) {
            Value g = nb.loadF32(grad, {n, c});
            nb.forEach(nb.index(0), selected, [&](LoopBuilder &jb, Value j) {
              Value i = jb.loadIndex(indices, {n, j});
              jb.ifThen(inRange(jb, i, rows), [&](LoopBuilder &ib) {
                accumulate(ib, init, {i, c},
                           ib.mulf(ib.loadF32(weights, {n, j}), g));
              });
            });
          });
        });
  }
};

struct LowerPairDot : BufferPattern<PairDotOp> {
  using BufferPattern::BufferPattern;

  void lower(PairDotOp op, LoopBuilder &lb) const override {
    Value lhs = op.getLhs(), rhs = op.getRhs(), init = op.getInit();
    Value pairs = op.getSortedPairs(), k = lb.index(op.getK());
    Value width = lb.dim(lhs, 1);
    // Over every sorted position, skipping the unrouted tail: the number
    // of routed pairs is read inside the loop, so that the loop's bounds
    // are known where it is launched (on a GPU, the host).
    lb.parallel(lb.index(0), lb.dim(pairs, 0),
                [&](LoopBuilder &pb, ValueRange position) {
                  Value j = position[0];
                  Value routed = routedPairs(pb, op.getOffsets());
                  pb.ifThen(
                      pb.cmp(arith::CmpIPredicate::ult, j, routed),
                      [&](LoopBuilder &b) {
                        PairRow pair = pairAt(b, pairs, j, k);
                        Value a = pair.rowIn(op.getLhsRows(), j);
                        Value c = pair.rowIn(op.getRhsRows(), j);
                        Value dot = b.forEach(
                            b.index(0), width, {b.f32(0.0)},
                            [&](LoopBuilder &db, Value m, ValueRange acc) {
                              Value term = db.mulf(db.loadF32(lhs, {a, m}),
                                                   db.loadF32(rhs, {c, m}));
                              return SmallVector<Value>{db.addf(acc[0], term)};
                            })[0];
                        accumulate(b, init, {pair.token, pair.slot}, dot);
                      });
                });
  }
};

struct LowerScaleRows : BufferPattern<ScaleRowsOp> {
  using BufferPattern::BufferPattern;

  void lower(ScaleRowsOp op, LoopBuilder &lb) const override {
    Value input = op.getInput(), scale = op.getScale(), init = op.getInit();
    Value pairs = op.getSortedPairs(), k = lb.index(op.getK());
    Value width = lb.dim(input, 1);
    auto scaleRow = [&](LoopBuilder &b, Value j, Value column) {
      PairRow pair = pairAt(b, pairs, j, k);
      Value factor = b.loadF32(scale, {pair.token, pair.slot});
      Value in = pair.rowIn(op.getInputRows(), j);
      Value out = pair.rowIn(op.getOutputRows(), j);
      auto one = [&](LoopBuilder &cb, Value c) {
        accumulate(cb, init, {out, c},
                   cb.mulf(factor, cb.loadF32(input, {in, c})));
      };
      if (column)
        one(b, column);
      else
        b.forEach(b.index(0), width, one);
    };
    // Sorted output rows are distinct per j; token rows collect several j,
    // so then the columns are the parallel dimension. The number of routed
    // pairs is read inside the loops, so that their bounds are known where
    // they are launched (on a GPU, the host).
    if (op.getOutputRows() == RowOrder::Sorted) {
      lb.parallel(
          lb.index(0), lb.dim(pairs, 0), [&](LoopBuilder &b, ValueRange j) {
            Value routed = routedPairs(b, op.getOffsets());
            b.ifThen(b.cmp(arith::CmpIPredicate::ult, j[0], routed),
                     [&](LoopBuilder &ib) { scaleRow(ib, j[0], Value()); });
          });
      return;
    }
    lb.parallel(lb.index(0), width, [&](LoopBuilder &b, ValueRange column) {
      Value routed = routedPairs(b, op.getOffsets());
      b.forEach(b.index(0), routed,
                [&](LoopBuilder &jb, Value j) { scaleRow(jb, j, column[0]); });
    });
  }
};

} // namespace

void mlir::sieve::populateLowerAdjointPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerSelectGrad, LowerProductKeyGrad, LowerGatherDot,
               LowerScatterSum, LowerPairDot, LowerScaleRows>(
      patterns.getContext());
}
