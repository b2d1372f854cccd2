//===- LowerRegularizers.cpp - the load-balancing losses to loops ---------===//
//
// Both regularisers need p = mean_n softmax(logits[n]) (Eq. 16, 20): one
// pass over the tokens accumulating softmax rows into a p buffer.
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

/// p[e] = mean over tokens of softmax(logits[n])[e], in a new f32 buffer.
Value meanSoftmax(LoopBuilder &lb, Value logits) {
  Value tokens = lb.dim(logits, 0), experts = lb.dim(logits, 1);
  Value p = lb.alloc(
      MemRefType::get({ShapedType::kDynamic}, lb.builder().getF32Type()),
      {experts});
  lb.forEach(lb.index(0), experts,
             [&](LoopBuilder &b, Value e) { b.store(b.f32(0.0), p, {e}); });
  Value invTokens = lb.divf(lb.f32(1.0), lb.indexToF32(tokens));
  lb.forEach(lb.index(0), tokens, [&](LoopBuilder &b, Value n) {
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
    Value norm = b.divf(invTokens, sum);
    b.forEach(b.index(0), experts, [&](LoopBuilder &eb, Value e) {
      Value share =
          eb.mulf(eb.exp(eb.subf(eb.loadF32(logits, {n, e}), max)), norm);
      eb.store(eb.addf(eb.load(p, {e}), share), p, {e});
    });
  });
  return p;
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
    Value numExperts = lb.dim(logits, 1), tokens = lb.dim(experts, 0);
    Value slots = lb.dim(experts, 1);
    Value dot = lb.forEach(
        lb.index(0), tokens, {lb.f32(0.0)},
        [&](LoopBuilder &b, Value n, ValueRange acc) {
          Value rowSum = b.forEach(
              b.index(0), slots, {acc[0]},
              [&](LoopBuilder &sb, Value s, ValueRange inner) {
                Value e = sb.loadIndex(experts, {n, s});
                Value valid = sb.andi(sb.cmp(Pred::sge, e, sb.index(0)),
                                      sb.cmp(Pred::slt, e, numExperts));
                Value safe = sb.select(valid, e, sb.index(0));
                Value pe = sb.select(valid, sb.load(p, {safe}), sb.f32(0.0));
                return SmallVector<Value>{sb.addf(inner[0], pe)};
              })[0];
          return SmallVector<Value>{rowSum};
        })[0];
    // f . p = sum_slots p[e(slot)] / tokens.
    Value fDotP = lb.divf(dot, lb.indexToF32(tokens));
    Value scaled = lb.mulf(lb.mulf(lb.f32(op.getWeight().convertToDouble()),
                                   lb.indexToF32(numExperts)),
                           fDotP);
    lb.store(scaled, op.getInit(), {});
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
void accumulateSoftmaxGrad(LoopBuilder &lb, Value logits, Value value,
                           Value factor, Value init) {
  Value experts = lb.dim(logits, 1);
  forEachSoftmaxRow(
      lb, logits, value,
      [&](LoopBuilder &b, Value n, function_ref<Value(LoopBuilder &, Value)> y,
          Value mean) {
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
    Value factor = lb.divf(lb.mulf(lb.loadF32(op.getGradLoss(), {}),
                                   lb.f32(op.getWeight().convertToDouble())),
                           lb.indexToF32(tokens));
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
    Value slots = lb.dim(experts, 1);
    Value f = lb.alloc(
        MemRefType::get({ShapedType::kDynamic}, lb.builder().getF32Type()),
        {numExperts});
    lb.forEach(lb.index(0), numExperts,
               [&](LoopBuilder &b, Value e) { b.store(b.f32(0.0), f, {e}); });
    Value share = lb.divf(lb.f32(1.0), lb.indexToF32(tokens));
    lb.forEach(lb.index(0), tokens, [&](LoopBuilder &b, Value n) {
      b.forEach(b.index(0), slots, [&](LoopBuilder &sb, Value s) {
        Value e = sb.loadIndex(experts, {n, s});
        Value valid = sb.andi(sb.cmp(Pred::sge, e, sb.index(0)),
                              sb.cmp(Pred::slt, e, numExperts));
        sb.ifThen(valid, [&](LoopBuilder &ib) {
          ib.store(ib.addf(ib.load(f, {e}), share), f, {e});
        });
      });
    });
    Value factor =
        lb.divf(lb.mulf(lb.mulf(lb.loadF32(op.getGradLoss(), {}),
                                lb.f32(op.getWeight().convertToDouble())),
                        lb.indexToF32(numExperts)),
                lb.indexToF32(tokens));
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
