//===- LowerRouting.cpp - routing primitives to loops ---------------------===//
//
// Expert selection (Eq. 11, 22, 25), Sinkhorn balancing (S-BASE), the
// dispatch by expert, MoWE word routing and the counter-based Bernoulli
// mask, each as loops over its buffers.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SieveToSCF/BufferPattern.h"
#include "compiler/Conversion/SieveToSCF/Lowerings.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include <cmath>

using namespace mlir;
using namespace mlir::sieve;

using Pred = arith::CmpIPredicate;
using FPred = arith::CmpFPredicate;

namespace {

//===----------------------------------------------------------------------===//
// select_experts
//===----------------------------------------------------------------------===//

struct LowerSelectExperts : BufferPattern<SelectExpertsOp> {
  using BufferPattern::BufferPattern;

  void lower(SelectExpertsOp op, LoopBuilder &lb) const override {
    Value scores = op.getScores(), ranking = op.getRanking();
    Value keep = op.getKeep();
    Value experts = op.getExpertsInit(), gates = op.getGatesInit();
    int64_t k = op.getK();
    Value tokens = lb.dim(scores, 0), numExperts = lb.dim(scores, 1);
    Value zero = lb.index(0);
    bool renormalize = op.getRenormalize();

    lb.parallel(zero, tokens, [&](LoopBuilder &row, ValueRange ivs) {
      Value n = ivs[0];
      Value i1True =
          arith::ConstantIntOp::create(row.builder(), row.location(), 1, 1);
      // One pass per slot: the best expert not taken by an earlier slot.
      // Kept experts rank above dropped ones (Eq. 22); ties keep the lower
      // index because only a strictly better candidate replaces the best.
      row.forEach(
          row.index(0), row.index(k), [&](LoopBuilder &slotB, Value slot) {
            Value none = slotB.index(-1);
            Value lowest = slotB.f32(-INFINITY);
            SmallVector<Value> best = slotB.forEach(
                slotB.index(0), numExperts,
                {none,
                 arith::ConstantIntOp::create(slotB.builder(), slotB.location(),
                                              0, 1),
                 lowest},
                [&](LoopBuilder &eb, Value e, ValueRange acc) {
                  Value taken = eb.forEach(
                      eb.index(0), slot,
                      {arith::ConstantIntOp::create(eb.builder(), eb.location(),
                                                    0, 1)},
                      [&](LoopBuilder &tb, Value s, ValueRange was) {
                        Value picked = tb.loadIndex(experts, {n, s});
                        return SmallVector<Value>{
                            tb.ori(was[0], tb.cmp(Pred::eq, picked, e))};
                      })[0];
                  Value kept = keep ? eb.load(keep, {n, e}) : i1True;
                  Value value = eb.loadF32(ranking ? ranking : scores, {n, e});
                  Value empty = eb.cmp(Pred::slt, acc[0], eb.index(0));
                  Value keptBetter = eb.cmp(Pred::ugt, kept, acc[1]);
                  Value sameKept = eb.cmp(Pred::eq, kept, acc[1]);
                  Value valueBetter = eb.cmpf(FPred::OGT, value, acc[2]);
                  Value better =
                      eb.ori(empty, eb.ori(keptBetter,
                                           eb.andi(sameKept, valueBetter)));
                  Value take = eb.andi(
                      better, eb.cmp(Pred::eq, taken,
                                     arith::ConstantIntOp::create(
                                         eb.builder(), eb.location(), 0, 1)));
                  return SmallVector<Value>{eb.select(take, e, acc[0]),
                                            eb.select(take, kept, acc[1]),
                                            eb.select(take, value, acc[2])};
                });
            slotB.store(slotB.toI32(best[0]), experts, {n, slot});
            Value gate = slotB.loadF32(scores, {n, best[0]});
            slotB.storeF32(slotB.select(best[1], gate, slotB.f32(0.0)), gates,
                           {n, slot});
          });
      if (!renormalize)
        return;
      // norm topk (Eq. 25): gates / their sum, zero gates stay zero.
      Value sum = row.forEach(row.index(0), row.index(k), {row.f32(0.0)},
                              [&](LoopBuilder &sb, Value s, ValueRange acc) {
                                return SmallVector<Value>{
                                    sb.addf(acc[0], sb.loadF32(gates, {n, s}))};
                              })[0];
      Value positive = row.cmpf(FPred::OGT, sum, row.f32(0.0));
      row.ifThen(positive, [&](LoopBuilder &ib) {
        ib.forEach(ib.index(0), ib.index(k), [&](LoopBuilder &sb, Value s) {
          sb.storeF32(sb.divf(sb.loadF32(gates, {n, s}), sum), gates, {n, s});
        });
      });
    });
  }
};

//===----------------------------------------------------------------------===//
// sinkhorn
//===----------------------------------------------------------------------===//

/// log sum_i exp(term(i)) over i in [0, count), with the maximum shifted out.
Value logSumExp(LoopBuilder &lb, Value count,
                function_ref<Value(LoopBuilder &, Value)> term) {
  Value max =
      lb.forEach(lb.index(0), count, {lb.f32(-INFINITY)},
                 [&](LoopBuilder &b, Value i, ValueRange acc) {
                   return SmallVector<Value>{b.maxf(acc[0], term(b, i))};
                 })[0];
  Value sum = lb.forEach(lb.index(0), count, {lb.f32(0.0)},
                         [&](LoopBuilder &b, Value i, ValueRange acc) {
                           return SmallVector<Value>{
                               b.addf(acc[0], b.exp(b.subf(term(b, i), max)))};
                         })[0];
  return lb.addf(max, lb.log(sum));
}

struct LowerSinkhorn : BufferPattern<SinkhornOp> {
  using BufferPattern::BufferPattern;

  void lower(SinkhornOp op, LoopBuilder &lb) const override {
    Value x = op.getLogits(), out = op.getInit();
    Value tokens = lb.dim(x, 0), experts = lb.dim(x, 1);
    Value zero = lb.index(0);
    Type f32 = lb.builder().getF32Type();
    Value a = lb.alloc(MemRefType::get({ShapedType::kDynamic}, f32), {experts});
    Value b = lb.alloc(MemRefType::get({ShapedType::kDynamic}, f32), {tokens});
    lb.forEach(zero, experts, [&](LoopBuilder &ib, Value e) {
      ib.store(ib.f32(0.0), a, {e});
    });
    // log(N / N_E): each expert receives N / N_E tokens' worth of mass.
    Value logShare =
        lb.log(lb.divf(lb.indexToF32(tokens), lb.indexToF32(experts)));

    lb.forEach(zero, lb.index(op.getIterations()), [&](LoopBuilder &it, Value) {
      it.parallel(zero, tokens, [&](LoopBuilder &rb, ValueRange n) {
        Value lse = logSumExp(rb, experts, [&](LoopBuilder &tb, Value e) {
          return tb.addf(tb.loadF32(x, {n[0], e}), tb.load(a, {e}));
        });
        rb.store(rb.subf(rb.f32(0.0), lse), b, {n[0]});
      });
      it.parallel(zero, experts, [&](LoopBuilder &cb, ValueRange e) {
        Value lse = logSumExp(cb, tokens, [&](LoopBuilder &tb, Value n) {
          return tb.addf(tb.loadF32(x, {n, e[0]}), tb.load(b, {n}));
        });
        cb.store(cb.subf(logShare, lse), a, {e[0]});
      });
    });
    lb.parallel(zero, tokens, [&](LoopBuilder &rb, ValueRange n) {
      rb.forEach(rb.index(0), experts, [&](LoopBuilder &eb, Value e) {
        Value logAssignment =
            eb.addf(eb.addf(eb.loadF32(x, {n[0], e}), eb.load(a, {e})),
                    eb.load(b, {n[0]}));
        eb.storeF32(logAssignment, out, {n[0], e});
      });
    });
    lb.dealloc(a);
    lb.dealloc(b);
  }
};

//===----------------------------------------------------------------------===//
// dispatch
//===----------------------------------------------------------------------===//

struct LowerDispatch : BufferPattern<DispatchOp> {
  using BufferPattern::BufferPattern;

  /// Pairs per chunk of the counting sort.
  static constexpr int64_t kChunk = 256;

  /// A stable counting sort of the pairs by expert, unrouted pairs (ids
  /// outside [0, N_E)) after all routed ones, in chunks of pairs so that
  /// every pass but the N_E-step prefix sum is a parallel loop:
  ///   count[c][b]  pairs of chunk c in bucket b (bucket N_E: unrouted);
  ///   per bucket, exclusive prefix sums of the counts over the chunks,
  ///   its total into offsets[b + 1]; prefix sums of offsets;
  ///   per chunk, its pairs in order to offsets[b] + count[c][b]++.
  /// The order is the serial counting sort's.
  void lower(DispatchOp op, LoopBuilder &lb) const override {
    Value experts = op.getExperts();
    Value pairs = op.getPairsInit(), offsets = op.getOffsetsInit();
    int64_t numExperts = op.getNumExperts();
    Value zero = lb.index(0), one = lb.index(1);
    Value k = lb.dim(experts, 1);
    Value numPairs = lb.mul(lb.dim(experts, 0), k);
    Value expertCount = lb.index(numExperts);
    Value buckets = lb.index(numExperts + 1);
    Value chunk = lb.index(kChunk);
    Value chunks = lb.divu(lb.add(numPairs, lb.index(kChunk - 1)), chunk);
    Type i32 = lb.builder().getI32Type();
    Value counts = lb.alloc(
        MemRefType::get({ShapedType::kDynamic, numExperts + 1}, i32), {chunks});

    // The bucket of pair p: its expert, or N_E when it is not routed.
    auto bucketOf = [&](LoopBuilder &b, Value p) {
      Value e = b.loadIndex(experts, {b.divu(p, k), b.remu(p, k)});
      Value routed = b.andi(b.cmp(Pred::sge, e, b.index(0)),
                            b.cmp(Pred::slt, e, expertCount));
      return b.select(routed, e, expertCount);
    };
    auto chunkEnd = [&](LoopBuilder &b, Value begin) {
      Value end = b.add(begin, chunk);
      return b.select(b.cmp(Pred::ult, end, numPairs), end, numPairs);
    };

    lb.parallel({zero, zero}, {chunks, buckets},
                [&](LoopBuilder &b, ValueRange cb) {
                  Value begin = b.mul(cb[0], chunk);
                  Value count = b.forEach(
                      begin, chunkEnd(b, begin), {b.i32(0)},
                      [&](LoopBuilder &pb, Value p, ValueRange acc) {
                        Value mine = pb.cmp(Pred::eq, bucketOf(pb, p), cb[1]);
                        return SmallVector<Value>{
                            pb.select(mine, pb.add(acc[0], pb.i32(1)), acc[0])};
                      })[0];
                  b.store(count, counts, cb);
                });
    lb.parallel(zero, buckets, [&](LoopBuilder &b, ValueRange bucket) {
      Value total =
          b.forEach(b.index(0), chunks, {b.i32(0)},
                    [&](LoopBuilder &cb, Value c, ValueRange acc) {
                      Value count = cb.load(counts, {c, bucket[0]});
                      cb.store(acc[0], counts, {c, bucket[0]});
                      return SmallVector<Value>{cb.add(acc[0], count)};
                    })[0];
      b.ifThen(b.cmp(Pred::ult, bucket[0], expertCount), [&](LoopBuilder &ib) {
        ib.store(total, offsets, {ib.add(bucket[0], ib.index(1))});
      });
    });
    lb.store(lb.i32(0), offsets, {zero});
    lb.forEach(one, buckets, [&](LoopBuilder &b, Value e) {
      Value previous = b.load(offsets, {b.sub(e, b.index(1))});
      b.store(b.add(b.load(offsets, {e}), previous), offsets, {e});
    });
    lb.parallel(zero, chunks, [&](LoopBuilder &b, ValueRange c) {
      Value begin = b.mul(c[0], chunk);
      b.forEach(begin, chunkEnd(b, begin), [&](LoopBuilder &pb, Value p) {
        Value bucket = bucketOf(pb, p);
        // Unrouted pairs start after every routed one, at offsets[N_E].
        Value base = pb.load(offsets, {bucket});
        Value seen = pb.load(counts, {c[0], bucket});
        pb.store(pb.add(seen, pb.i32(1)), counts, {c[0], bucket});
        pb.store(pb.toI32(p), pairs, {pb.toIndex(pb.add(base, seen))});
      });
    });
    lb.dealloc(counts);
  }
};

//===----------------------------------------------------------------------===//
// word_route
//===----------------------------------------------------------------------===//

struct LowerWordRoute : BufferPattern<WordRouteOp> {
  using BufferPattern::BufferPattern;

  void lower(WordRouteOp op, LoopBuilder &lb) const override {
    Value ids = op.getRoutingIds();
    SmallVector<BucketAttr> buckets =
        llvm::to_vector(op.getBuckets().getAsRange<BucketAttr>());
    lb.parallel(lb.index(0), lb.dim(ids, 0), [&](LoopBuilder &b, ValueRange n) {
      Value id = b.load(ids, {n[0]});
      int64_t start = op.getNumUnrouted();
      for (auto [index, bucket] : llvm::enumerate(buckets)) {
        // The j-th id of the bucket goes to expert j mod E_b (MoWE Sec. 2.3).
        Value local = b.sub(id, b.i32(start));
        Value inBucket =
            b.andi(b.cmp(Pred::sge, local, b.i32(0)),
                   b.cmp(Pred::slt, local, b.i32(bucket.getRoutingIds())));
        Value safe = b.select(inBucket, local, b.i32(0));
        Value expert = b.remu(safe, b.i32(bucket.getNumExperts()));
        b.store(b.select(inBucket, expert, b.i32(-1)), op.getInits()[index],
                {n[0], b.index(0)});
        start += bucket.getRoutingIds();
      }
    });
  }
};

//===----------------------------------------------------------------------===//
// bernoulli_mask
//===----------------------------------------------------------------------===//

struct LowerBernoulliMask : BufferPattern<BernoulliMaskOp> {
  using BufferPattern::BufferPattern;

  /// The SplitMix64 draw of the op's description, element by element.
  void lower(BernoulliMaskOp op, LoopBuilder &lb) const override {
    Value mask = op.getInit();
    auto type = cast<MemRefType>(mask.getType());
    double p = op.getKeepProbability().convertToDouble();
    int64_t threshold =
        p >= 1.0 ? (int64_t(1) << 24) : std::llround(p * double(1 << 24));
    Value seed = op.getSeed();
    Value streamTerm = lb.mul(lb.i64(int64_t(0xD1B54A32D192ED03ull)),
                              lb.i64(static_cast<int64_t>(op.getStream())));
    Value base = lb.add(seed, streamTerm);

    SmallVector<Value> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d)
      sizes.push_back(lb.dim(mask, d));
    OpBuilder &builder = lb.builder();
    auto draw = [&](LoopBuilder &b, ValueRange indices) {
      // Row-major linear index of the element.
      Value linear = b.index(0);
      for (auto [d, iv] : llvm::enumerate(indices))
        linear = b.add(b.mul(linear, sizes[d]), iv);
      Value i = arith::IndexCastOp::create(b.builder(), b.location(),
                                           builder.getI64Type(), linear);
      Value z = b.add(base, b.mul(b.i64(int64_t(0x9E3779B97F4A7C15ull)),
                                  b.add(i, b.i64(1))));
      auto shr = [&](Value v, int64_t bits) {
        return arith::ShRUIOp::create(b.builder(), b.location(), v, b.i64(bits))
            .getResult();
      };
      auto xorShift = [&](Value v, int64_t bits) {
        return arith::XOrIOp::create(b.builder(), b.location(), v, shr(v, bits))
            .getResult();
      };
      z = b.mul(xorShift(z, 30), b.i64(int64_t(0xBF58476D1CE4E5B9ull)));
      z = b.mul(xorShift(z, 27), b.i64(int64_t(0x94D049BB133111EBull)));
      z = xorShift(z, 31);
      Value kept = b.cmp(Pred::ult, shr(z, 40), b.i64(threshold));
      b.store(kept, mask, indices);
    };

    if (type.getRank() == 0) {
      draw(lb, {});
      return;
    }
    // Parallel over the first dimension, sequential inside.
    std::function<void(LoopBuilder &, SmallVector<Value>, int64_t)> nest =
        [&](LoopBuilder &b, SmallVector<Value> ivs, int64_t d) {
          if (d == type.getRank())
            return draw(b, ivs);
          b.forEach(b.index(0), sizes[d], [&](LoopBuilder &inner, Value iv) {
            SmallVector<Value> next = ivs;
            next.push_back(iv);
            nest(inner, next, d + 1);
          });
        };
    lb.parallel(lb.index(0), sizes[0],
                [&](LoopBuilder &b, ValueRange ivs) { nest(b, {ivs[0]}, 1); });
  }
};

} // namespace

void mlir::sieve::populateLowerRoutingPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerSelectExperts, LowerSinkhorn, LowerDispatch, LowerWordRoute,
               LowerBernoulliMask>(patterns.getContext());
}
