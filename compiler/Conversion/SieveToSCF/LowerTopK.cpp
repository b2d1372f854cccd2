//===- LowerTopK.cpp - top-K, product keys and gather-sum to loops --------===//
//
// Top-K keeps a best-first buffer of K (value, index) pairs per row and
// inserts each candidate by shifting the worse entries down: O(C) for most
// rows, O(C K) at worst, and exact. Product-key top-K (Eq. 8) runs it on
// each half's sub-key scores, then on the K^2 candidate sums.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SieveToSCF/BufferPattern.h"
#include "compiler/Conversion/SieveToSCF/Lowerings.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

#include <cmath>

using namespace mlir;
using namespace mlir::sieve;

using Pred = arith::CmpIPredicate;
using FPred = arith::CmpFPredicate;

namespace {

/// A best-first buffer of K (value, index) entries: the row `prefix` of a
/// values memref and of an i32 indices memref.
struct TopKBuffer {
  Value values, indices;
  SmallVector<Value> prefix;
  int64_t k;

  SmallVector<Value> at(Value position) const {
    SmallVector<Value> ix = prefix;
    ix.push_back(position);
    return ix;
  }
};

/// (v, i) ranks before (w, j): a larger value, or an equal value with a
/// lower index.
Value ranksBefore(LoopBuilder &b, Value v, Value i, Value w, Value j) {
  Value larger = b.cmpf(FPred::OGT, v, w);
  Value tie = b.andi(b.cmpf(FPred::OEQ, v, w), b.cmp(Pred::slt, i, j));
  return b.ori(larger, tie);
}

/// Inserts (value, index) into `buffer`, which holds `count` entries, if it
/// belongs among the K best; returns the new count.
Value insert(LoopBuilder &lb, const TopKBuffer &buffer, Value count,
             Value value, Value index) {
  Value k = lb.index(buffer.k);
  Value last = lb.index(buffer.k - 1);
  Value full = lb.cmp(Pred::eq, count, k);
  Value worst = lb.loadF32(buffer.values, buffer.at(last));
  Value worstIndex = lb.loadIndex(buffer.indices, buffer.at(last));
  Value enters = lb.ori(
      lb.cmp(Pred::eq, full,
             arith::ConstantIntOp::create(lb.builder(), lb.location(), 0, 1)),
      ranksBefore(lb, value, index, worst, worstIndex));
  lb.ifThen(enters, [&](LoopBuilder &b) {
    Value start = b.select(full, last, count);
    OpBuilder &builder = b.builder();
    auto shift = scf::WhileOp::create(
        builder, b.location(), TypeRange{builder.getIndexType()},
        ValueRange{start},
        [&](OpBuilder &nested, Location loc, ValueRange args) {
          LoopBuilder c(nested, loc);
          Value pos = args[0];
          Value inside = c.cmp(Pred::sgt, pos, c.index(0));
          Value previous = c.select(inside, c.sub(pos, c.index(1)), c.index(0));
          Value before = ranksBefore(
              c, value, index, c.loadF32(buffer.values, buffer.at(previous)),
              c.loadIndex(buffer.indices, buffer.at(previous)));
          scf::ConditionOp::create(nested, loc, c.andi(inside, before), pos);
        },
        [&](OpBuilder &nested, Location loc, ValueRange args) {
          LoopBuilder c(nested, loc);
          Value pos = args[0];
          Value previous = c.sub(pos, c.index(1));
          c.store(c.load(buffer.values, buffer.at(previous)), buffer.values,
                  buffer.at(pos));
          c.store(c.load(buffer.indices, buffer.at(previous)), buffer.indices,
                  buffer.at(pos));
          scf::YieldOp::create(nested, loc, previous);
        });
    Value pos = shift.getResult(0);
    b.storeF32(value, buffer.values, buffer.at(pos));
    b.store(b.toI32(index), buffer.indices, buffer.at(pos));
  });
  Value grown = lb.add(count, lb.index(1));
  return lb.select(full, count, grown);
}

/// Selects the K best of `count` candidates into `buffer`; `candidate(b, c)`
/// gives the value and index of candidate c.
void selectTopK(
    LoopBuilder &lb, const TopKBuffer &buffer, Value count,
    function_ref<std::pair<Value, Value>(LoopBuilder &, Value)> candidate) {
  // Empty entries rank last, so a short row still has K well-defined slots.
  lb.forEach(lb.index(0), lb.index(buffer.k), [&](LoopBuilder &b, Value s) {
    b.storeF32(b.f32(-INFINITY), buffer.values, buffer.at(s));
    b.store(b.i32(-1), buffer.indices, buffer.at(s));
  });
  lb.forEach(lb.index(0), count, {lb.index(0)},
             [&](LoopBuilder &b, Value c, ValueRange acc) {
               auto [value, index] = candidate(b, c);
               return SmallVector<Value>{
                   insert(b, buffer, acc[0], value, index)};
             });
}

/// Runs `body` for every index of the leading `rank` dimensions of `memref`,
/// the first of them in parallel.
void forEachLeading(LoopBuilder &lb, Value memref, int64_t rank,
                    function_ref<void(LoopBuilder &, ValueRange)> body) {
  if (rank == 0)
    return body(lb, {});
  std::function<void(LoopBuilder &, SmallVector<Value>)> nest =
      [&](LoopBuilder &b, SmallVector<Value> ivs) {
        if (static_cast<int64_t>(ivs.size()) == rank)
          return body(b, ivs);
        b.forEach(b.index(0), b.dim(memref, ivs.size()),
                  [&](LoopBuilder &inner, Value iv) {
                    SmallVector<Value> next = ivs;
                    next.push_back(iv);
                    nest(inner, next);
                  });
      };
  lb.parallel(lb.index(0), lb.dim(memref, 0),
              [&](LoopBuilder &b, ValueRange ivs) { nest(b, {ivs[0]}); });
}

struct LowerTopK : BufferPattern<TopKOp> {
  using BufferPattern::BufferPattern;

  void lower(TopKOp op, LoopBuilder &lb) const override {
    Value input = op.getInput();
    int64_t rank = cast<MemRefType>(input.getType()).getRank();
    Value width = lb.dim(input, rank - 1);
    forEachLeading(lb, input, rank - 1, [&](LoopBuilder &b, ValueRange row) {
      TopKBuffer buffer{op.getValuesInit(), op.getIndicesInit(),
                        llvm::to_vector(row), int64_t(op.getK())};
      selectTopK(b, buffer, width, [&](LoopBuilder &cb, Value c) {
        SmallVector<Value> ix = llvm::to_vector(row);
        ix.push_back(c);
        return std::make_pair(cb.loadF32(input, ix), c);
      });
    });
  }
};

struct LowerProductKeyTopK : BufferPattern<ProductKeyTopKOp> {
  using BufferPattern::BufferPattern;

  void lower(ProductKeyTopKOp op, LoopBuilder &lb) const override {
    Value a = op.getScoresA(), b = op.getScoresB();
    int64_t k = op.getK();
    Value tokens = lb.dim(a, 0), heads = lb.dim(a, 1), subkeys = lb.dim(a, 2);
    OpBuilder &builder = lb.builder();
    // Each half's top-K per (token, head), in scratch buffers.
    auto scratch = [&](Type elementType) {
      return lb.alloc(
          MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic, k},
                          elementType),
          {tokens, heads});
    };
    Value topA = scratch(builder.getF32Type()),
          topAIdx = scratch(builder.getI32Type());
    Value topB = scratch(builder.getF32Type()),
          topBIdx = scratch(builder.getI32Type());

    lb.parallel(lb.index(0), tokens, [&](LoopBuilder &tb, ValueRange n) {
      tb.forEach(tb.index(0), heads, [&](LoopBuilder &hb, Value h) {
        SmallVector<Value> row = {n[0], h};
        auto halfTopK = [&](Value scores, Value values, Value indices) {
          selectTopK(
              hb, TopKBuffer{values, indices, row, k}, subkeys,
              [&](LoopBuilder &cb, Value c) {
                return std::make_pair(cb.loadF32(scores, {n[0], h, c}), c);
              });
        };
        halfTopK(a, topA, topAIdx);
        halfTopK(b, topB, topBIdx);
        // Candidate c = (i, j): u_a's i-th best plus u_b's j-th best, full
        // index ib * S + ia (Eq. 8).
        Value kk = hb.index(k);
        selectTopK(
            hb, TopKBuffer{op.getScoresInit(), op.getIndicesInit(), row, k},
            hb.index(k * k), [&](LoopBuilder &cb, Value c) {
              Value i = cb.divu(c, kk), j = cb.remu(c, kk);
              Value value = cb.addf(cb.load(topA, {n[0], h, i}),
                                    cb.load(topB, {n[0], h, j}));
              Value index =
                  cb.add(cb.mul(cb.loadIndex(topBIdx, {n[0], h, j}), subkeys),
                         cb.loadIndex(topAIdx, {n[0], h, i}));
              return std::make_pair(value, index);
            });
      });
    });
    for (Value buffer : {topA, topAIdx, topB, topBIdx})
      lb.dealloc(buffer);
  }
};

/// The host form: a task per token adds each selected row into the output
/// row in turn, the inner loop running along the row (vectorised, in L1).
/// The GPU form (`columnThreads`): an iteration per output element, the
/// column fastest, so a warp reads consecutive elements of each selected
/// row (coalesced) and sums in a register, storing once. For f32 both do
/// the same operations in the same order. A 16-bit output takes the GPU
/// form on the host too: the sum is then rounded once, not after each
/// row, and the host's results are the GPU's.
struct LowerGatherSum : BufferPattern<GatherSumOp> {
  LowerGatherSum(MLIRContext *context, bool columnThreads)
      : BufferPattern(context), columnThreads(columnThreads) {}

  void lower(GatherSumOp op, LoopBuilder &lb) const override {
    Value weights = op.getWeights(), indices = op.getIndices();
    Value table = op.getTable(), init = op.getInit();
    Value selected = lb.dim(weights, 1), width = lb.dim(table, 1);
    Value tokens = lb.dim(weights, 0);
    bool f32Output = cast<MemRefType>(init.getType()).getElementType().isF32();
    if (columnThreads || !f32Output) {
      lb.parallel({lb.index(0), lb.index(0)}, {tokens, width},
                  [&](LoopBuilder &b, ValueRange nd) {
                    Value sum = b.forEach(
                        b.index(0), selected, {b.loadF32(init, nd)},
                        [&](LoopBuilder &jb, Value j, ValueRange acc) {
                          Value w = jb.loadF32(weights, {nd[0], j});
                          Value row = jb.loadIndex(indices, {nd[0], j});
                          Value v = jb.loadF32(table, {row, nd[1]});
                          return SmallVector<Value>{
                              jb.addf(acc[0], jb.mulf(w, v))};
                        })[0];
                    b.storeF32(sum, init, nd);
                  });
      return;
    }
    lb.parallel(lb.index(0), tokens, [&](LoopBuilder &b, ValueRange n) {
      b.forEach(b.index(0), selected, [&](LoopBuilder &jb, Value j) {
        Value w = jb.loadF32(weights, {n[0], j});
        Value row = jb.loadIndex(indices, {n[0], j});
        jb.forEach(jb.index(0), width, [&](LoopBuilder &db, Value d) {
          Value sum = db.addf(db.loadF32(init, {n[0], d}),
                              db.mulf(w, db.loadF32(table, {row, d})));
          db.storeF32(sum, init, {n[0], d});
        });
      });
    });
  }

  bool columnThreads;
};

} // namespace

void mlir::sieve::populateLowerTopKPatterns(RewritePatternSet &patterns,
                                            bool gpu) {
  patterns.add<LowerTopK, LowerProductKeyTopK>(patterns.getContext());
  patterns.add<LowerGatherSum>(patterns.getContext(), gpu);
}
