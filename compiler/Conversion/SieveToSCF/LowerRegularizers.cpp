//===- LowerRegularizers.cpp - the load-balancing losses to loops ---------===//
//
// Both regularisers need p = mean_n softmax(logits[n]) (Eq. 16, 20), and
// Switch's the routed fractions f (Eq. 15), each reduced over the tokens in
// fixed-size chunks, in parallel.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SieveToSCF/BufferPattern.h"
#include "compiler/Conversion/SieveToSCF/Lowerings.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::sieve;

using Pred = arith::CmpIPredicate;
using FPred = arith::CmpFPredicate;

namespace {

/// Tokens per partial sum of the mean softmax.
constexpr int64_t kTokenChunk = 256;

/// out[e] = finish(sum over chunks c of partial[c, e]): experts in
/// parallel, each adding its chunks in order (deterministic).
void sumChunks(LoopBuilder &lb, Value partial, Value chunks, Value experts,
               Value out, function_ref<Value(LoopBuilder &, Value)> finish) {
  lb.parallel(lb.index(0), experts, [&](LoopBuilder &b, ValueRange expert) {
    Value sum = b.forEach(b.index(0), chunks, {b.f32(0.0)},
                          [&](LoopBuilder &cb, Value c, ValueRange acc) {
                            return SmallVector<Value>{cb.addf(
                                acc[0], cb.load(partial, {c, expert[0]}))};
                          })[0];
    b.store(finish(b, sum), out, {expert[0]});
  });
}

/// p[e] = mean over tokens of softmax(logits[n])[e], in a new f32 buffer.
/// In three parallel loops (each row's max and normaliser; per chunk of
/// tokens and expert, a partial sum; per expert, the partials in order), so
/// that no loop walks every token alone: a GPU runs each as one kernel.
/// The order of the sums is fixed: the result is deterministic.
Value meanSoftmax(LoopBuilder &lb, Value logits) {
  Type f32 = lb.builder().getF32Type();
  Value tokens = lb.dim(logits, 0), experts = lb.dim(logits, 1);
  Value zero = lb.index(0);
  Value p = lb.alloc(MemRefType::get({ShapedType::kDynamic}, f32), {experts});
  Value rows =
      lb.alloc(MemRefType::get({ShapedType::kDynamic, 2}, f32), {tokens});
  Value invTokens = lb.divf(lb.f32(1.0), lb.indexToF32(tokens));
  lb.parallel(zero, tokens, [&](LoopBuilder &b, ValueRange token) {
    Value n = token[0];
    Value max = b.forEach(b.index(0), experts, {b.f32(-INFINITY)},
                          [&](LoopBuilder &eb, Value e, ValueRange acc) {
                            return SmallVector<Value>{
                                eb.maxf(acc[0], eb.loadF32(logits, {n, e}))};
                          })[0];
    Value sum =
        b.forEach(b.index(0), experts, {b.f32(0.0)},
                  [&](LoopBuilder &eb, Value e, ValueRange acc) {
                    Value z = eb.subf(eb.loadF32(logits, {n, e}), max);
                    return SmallVector<Value>{eb.addf(acc[0], eb.exp(z))};
                  })[0];
    b.store(max, rows, {n, b.index(0)});
    b.store(b.divf(invTokens, sum), rows, {n, b.index(1)});
  });
  Value chunk = lb.index(kTokenChunk);
  Value chunks = lb.divu(lb.add(tokens, lb.index(kTokenChunk - 1)), chunk);
  Value partial = lb.alloc(
      MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic}, f32),
      {chunks, experts});
  lb.parallel(
      {zero, zero}, {chunks, experts}, [&](LoopBuilder &b, ValueRange ce) {
        Value begin = b.mul(ce[0], chunk);
        Value end = b.add(begin, chunk);
        end = b.select(b.cmp(Pred::ult, end, tokens), end, tokens);
        Value sum = b.forEach(
            begin, end, {b.f32(0.0)},
            [&](LoopBuilder &nb, Value n, ValueRange acc) {
              Value z = nb.subf(nb.loadF32(logits, {n, ce[1]}),
                                nb.load(rows, {n, nb.index(0)}));
              Value share = nb.mulf(nb.exp(z), nb.load(rows, {n, nb.index(1)}));
              return SmallVector<Value>{nb.addf(acc[0], share)};
            })[0];
        b.store(sum, partial, ce);
      });
  sumChunks(lb, partial, chunks, experts, p,
            [](LoopBuilder &, Value sum) { return sum; });
  lb.dealloc(partial);
  lb.dealloc(rows);
  return p;
}

/// f[e] = slots routed to expert e / tokens (Eq. 15; ids outside
/// [0, N_E) count for no expert), in a new f32 buffer. Each chunk of tokens
/// counts its own slots in parallel, then each expert adds its chunks'
/// counts in order: no loop walks every token alone (a GPU runs each as
/// one kernel), and the counts are exact, so the result is deterministic.
Value routedFractions(LoopBuilder &lb, Value experts, Value numExperts) {
  Type f32 = lb.builder().getF32Type();
  Value tokens = lb.dim(experts, 0), slots = lb.dim(experts, 1);
  Value zero = lb.index(0), chunk = lb.index(kTokenChunk);
  Value chunks = lb.divu(lb.add(tokens, lb.index(kTokenChunk - 1)), chunk);
  Value counts = lb.alloc(
      MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic}, f32),
      {chunks, numExperts});
  lb.parallel(
      {zero, zero}, {chunks, numExperts},
      [&](LoopBuilder &b, ValueRange ce) { b.store(b.f32(0.0), counts, ce); });
  lb.parallel(zero, chunks, [&](LoopBuilder &b, ValueRange c) {
    Value begin = b.mul(c[0], chunk);
    Value end = b.add(begin, chunk);
    end = b.select(b.cmp(Pred::ult, end, tokens), end, tokens);
    b.forEach(begin, end, [&](LoopBuilder &nb, Value n) {
      nb.forEach(nb.index(0), slots, [&](LoopBuilder &sb, Value s) {
        Value e = sb.loadIndex(experts, {n, s});
        Value valid = sb.andi(sb.cmp(Pred::sge, e, sb.index(0)),
                              sb.cmp(Pred::slt, e, numExperts));
        sb.ifThen(valid, [&](LoopBuilder &ib) {
          ib.store(ib.addf(ib.load(counts, {c[0], e}), ib.f32(1.0)), counts,
                   {c[0], e});
        });
      });
    });
  });
  Value f =
      lb.alloc(MemRefType::get({ShapedType::kDynamic}, f32), {numExperts});
  Value any = lb.cmp(Pred::ugt, tokens, zero);
  Value perToken = lb.divf(lb.f32(1.0), lb.indexToF32(tokens));
  sumChunks(lb, counts, chunks, numExperts, f, [&](LoopBuilder &b, Value sum) {
    return b.select(any, b.mulf(sum, perToken), b.f32(0.0));
  });
  lb.dealloc(counts);
  return f;
}

struct LowerEntropyReg : BufferPattern<EntropyRegOp> {
  using BufferPattern::BufferPattern;

  /// weight * sum_e p[e] log p[e] (Eq. 21); 0 log 0 = 0.
  void lower(EntropyRegOp op, LoopBuilder &lb) const override {
    Value p = meanSoftmax(lb, op.getLogits());
    Value experts = lb.dim(op.getLogits(), 1);
    Value sum = lb.forEach(lb.index(0), experts, {lb.f32(0.0)},
                           [&](LoopBuilder &b, Value e, ValueRange acc) {
                             Value pe = b.load(p, {e});
                             Value positive =
                                 b.cmpf(FPred::OGT, pe, b.f32(0.0));
                             Value safe = b.select(positive, pe, b.f32(1.0));
                             Value term = b.mulf(pe, b.log(safe));
                             return SmallVector<Value>{b.addf(acc[0], term)};
                           })[0];
    double weight = op.getWeight().convertToDouble();
    lb.store(lb.mulf(lb.f32(weight), sum), op.getInit(), {});
    lb.dealloc(p);
  }
};

struct LowerSwitchReg : BufferPattern<SwitchRegOp> {
  using BufferPattern::BufferPattern;

  /// weight * N_E * f . p (Eq. 17), f[e] = slots routed to e / tokens.
  void lower(SwitchRegOp op, LoopBuilder &lb) const override {
    Value logits = op.getLogits(), experts = op.getExperts();
    Value p = meanSoftmax(lb, logits);
    Value numExperts = lb.dim(logits, 1);
    Value f = routedFractions(lb, experts, numExperts);
    Value fDotP =
        lb.forEach(lb.index(0), numExperts, {lb.f32(0.0)},
                   [&](LoopBuilder &b, Value e, ValueRange acc) {
                     return SmallVector<Value>{b.addf(
                         acc[0], b.mulf(b.load(f, {e}), b.load(p, {e})))};
                   })[0];
    Value scaled = lb.mulf(lb.mulf(lb.f32(op.getWeight().convertToDouble()),
                                   lb.indexToF32(numExperts)),
                           fDotP);
    lb.store(scaled, op.getInit(), {});
    lb.dealloc(f);
    lb.dealloc(p);
  }
};

/// Runs `body(b, n, y, a)` for every token n, in parallel, where `y(b, e)`
/// is softmax(logits[n])[e] and `a` = sum_e y[e] * value[e] for the
/// per-expert f32 buffer `value`.
void forEachSoftmaxRow(
    LoopBuilder &lb, Value logits, Value value,
    function_ref<void(LoopBuilder &, Value,
                      function_ref<Value(LoopBuilder &, Value)>, Value)>
        body) {
  Value experts = lb.dim(logits, 1);
  lb.parallel(
      lb.index(0), lb.dim(logits, 0), [&](LoopBuilder &b, ValueRange token) {
        Value n = token[0];
        Value max = b.forEach(b.index(0), experts, {b.f32(-INFINITY)},
                              [&](LoopBuilder &eb, Value e, ValueRange acc) {
                                return SmallVector<Value>{eb.maxf(
                                    acc[0], eb.loadF32(logits, {n, e}))};
                              })[0];
        SmallVector<Value> sums = b.forEach(
            b.index(0), experts, {b.f32(0.0), b.f32(0.0)},
            [&](LoopBuilder &eb, Value e, ValueRange acc) {
              Value z = eb.exp(eb.subf(eb.loadF32(logits, {n, e}), max));
              return SmallVector<Value>{
                  eb.addf(acc[0], z),
                  eb.addf(acc[1], eb.mulf(z, eb.load(value, {e})))};
            });
        Value inverse = b.divf(b.f32(1.0), sums[0]);
        auto y = [&](LoopBuilder &eb, Value e) {
          return eb.mulf(eb.exp(eb.subf(eb.loadF32(logits, {n, e}), max)),
                         inverse);
        };
        body(b, n, y, b.mulf(sums[1], inverse));
      });
}

/// init[n, e] += factor * y[n, e] * (value[e] - sum_f y[n, f] value[f]).
/// `factor(b)` is built inside each token's iteration: it reads the loss
/// gradient from its buffer there, so that the loop's bounds stay
/// host values (on a GPU, the loop is one kernel, not one thread).
void accumulateSoftmaxGrad(LoopBuilder &lb, Value logits, Value value,
                           function_ref<Value(LoopBuilder &)> factorOf,
                           Value init) {
  Value experts = lb.dim(logits, 1);
  forEachSoftmaxRow(
      lb, logits, value,
      [&](LoopBuilder &b, Value n, function_ref<Value(LoopBuilder &, Value)> y,
          Value mean) {
        Value factor = factorOf(b);
        b.forEach(b.index(0), experts, [&](LoopBuilder &eb, Value e) {
          Value centered = eb.subf(eb.load(value, {e}), mean);
          Value term = eb.mulf(factor, eb.mulf(y(eb, e), centered));
          Value old = eb.loadF32(init, {n, e});
          eb.storeF32(eb.addf(old, term), init, {n, e});
        });
      });
}

struct LowerEntropyRegGrad : BufferPattern<EntropyRegGradOp> {
  using BufferPattern::BufferPattern;

  /// value[e] = log p[e] (0 where p[e] = 0), factor = dL * weight / N.
  void lower(EntropyRegGradOp op, LoopBuilder &lb) const override {
    Value logits = op.getLogits();
    Value p = meanSoftmax(lb, logits);
    Value experts = lb.dim(logits, 1), tokens = lb.dim(logits, 0);
    lb.forEach(lb.index(0), experts, [&](LoopBuilder &b, Value e) {
      Value pe = b.load(p, {e});
      Value positive = b.cmpf(FPred::OGT, pe, b.f32(0.0));
      b.store(b.log(b.select(positive, pe, b.f32(1.0))), p, {e});
    });
    auto factor = [&](LoopBuilder &b) {
      return b.divf(b.mulf(b.loadF32(op.getGradLoss(), {}),
                           b.f32(op.getWeight().convertToDouble())),
                    b.indexToF32(tokens));
    };
    accumulateSoftmaxGrad(lb, logits, p, factor, op.getInit());
    lb.dealloc(p);
  }
};

struct LowerSwitchRegGrad : BufferPattern<SwitchRegGradOp> {
  using BufferPattern::BufferPattern;

  /// value[e] = f[e], the routed fraction; factor = dL * weight * N_E / N.
  void lower(SwitchRegGradOp op, LoopBuilder &lb) const override {
    Value logits = op.getLogits(), experts = op.getExperts();
    Value numExperts = lb.dim(logits, 1), tokens = lb.dim(logits, 0);
    Value f = routedFractions(lb, experts, numExperts);
    auto factor = [&](LoopBuilder &b) {
      return b.divf(b.mulf(b.mulf(b.loadF32(op.getGradLoss(), {}),
                                  b.f32(op.getWeight().convertToDouble())),
                           b.indexToF32(numExperts)),
                    b.indexToF32(tokens));
    };
    accumulateSoftmaxGrad(lb, logits, f, factor, op.getInit());
    lb.dealloc(f);
  }
};

} // namespace

void mlir::sieve::populateLowerRegularizerPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerEntropyReg, LowerSwitchReg, LowerEntropyRegGrad,
               LowerSwitchRegGrad>(patterns.getContext());
}
