//===- LowerCvmm.cpp - CVMM and its weight gradient to loops --------------===//
//
// The reference loops of CVMM (Eq. 26) in its grouped form: for every expert,
// the rows it owns in the sorted order, each row times the expert's matrix.
// Output columns are independent, so they are the parallel dimension: no two
// threads ever write the same output element, even when several pairs of a
// token scatter into one row.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SieveToSCF/BufferPattern.h"
#include "compiler/Conversion/SieveToSCF/Lowerings.h"
#include "compiler/Conversion/SieveToSCF/PairRows.h"

#include "dialects/Sieve/IR/SieveOps.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

struct LowerCvmm : BufferPattern<CvmmOp> {
  using BufferPattern::BufferPattern;

  void lower(CvmmOp op, LoopBuilder &lb) const override {
    Value input = op.getInput(), weight = op.getWeight();
    Value pairs = op.getSortedPairs(), offsets = op.getOffsets();
    Value scale = op.getScale(), init = op.getInit();
    bool transposed = op.getTransposeWeight();
    Value k = lb.index(op.getK());
    Value numExperts = lb.dim(weight, 0);
    Value inWidth = lb.dim(weight, transposed ? 2 : 1);
    Value outWidth = lb.dim(weight, transposed ? 1 : 2);

    lb.parallel(lb.index(0), outWidth, [&](LoopBuilder &cb, ValueRange col) {
      Value l = col[0];
      forEachRoutedRow(
          cb, offsets, numExperts, [&](LoopBuilder &b, Value e, Value j) {
            PairRow pair = pairAt(b, pairs, j, k);
            Value in = pair.rowIn(op.getInputRows(), j);
            Value dot = b.forEach(
                b.index(0), inWidth, {b.f32(0.0)},
                [&](LoopBuilder &mb, Value m, ValueRange acc) {
                  Value w = transposed ? mb.loadF32(weight, {e, l, m})
                                       : mb.loadF32(weight, {e, m, l});
                  Value x = mb.loadF32(input, {in, m});
                  return SmallVector<Value>{mb.addf(acc[0], mb.mulf(x, w))};
                })[0];
            if (scale)
              dot = b.mulf(dot, b.loadF32(scale, {pair.token, pair.slot}));
            Value out = pair.rowIn(op.getOutputRows(), j);
            b.storeF32(b.addf(b.loadF32(init, {out, l}), dot), init, {out, l});
          });
    });
  }
};

struct LowerCvmmWeightGrad : BufferPattern<CvmmWeightGradOp> {
  using BufferPattern::BufferPattern;

  /// dW[e, m, :] += in(j)[m] scale(j) grad(j)[:]; (e, m) rows of the
  /// gradient are independent, so they are the parallel dimensions.
  void lower(CvmmWeightGradOp op, LoopBuilder &lb) const override {
    Value input = op.getInput(), grad = op.getGradOutput();
    Value pairs = op.getSortedPairs(), offsets = op.getOffsets();
    Value scale = op.getScale(), init = op.getInit();
    Value k = lb.index(op.getK());
    Value zero = lb.index(0);
    Value numExperts = lb.dim(init, 0), inWidth = lb.dim(init, 1);
    Value outWidth = lb.dim(init, 2);

    lb.parallel(
        {zero, zero}, {numExperts, inWidth},
        [&](LoopBuilder &b, ValueRange em) {
          Value e = em[0], m = em[1];
          Value begin = b.loadIndex(offsets, {e});
          Value end = b.loadIndex(offsets, {b.add(e, b.index(1))});
          b.forEach(begin, end, [&](LoopBuilder &jb, Value j) {
            PairRow pair = pairAt(jb, pairs, j, k);
            Value a = jb.loadF32(input, {pair.rowIn(op.getInputRows(), j), m});
            if (scale)
              a = jb.mulf(a, jb.loadF32(scale, {pair.token, pair.slot}));
            Value row = pair.rowIn(op.getGradRows(), j);
            jb.forEach(jb.index(0), outWidth, [&](LoopBuilder &lb2, Value l) {
              Value g = lb2.loadF32(grad, {row, l});
              Value old = lb2.loadF32(init, {e, m, l});
              lb2.storeF32(lb2.addf(old, lb2.mulf(a, g)), init, {e, m, l});
            });
          });
        });
  }
};

} // namespace

void mlir::sieve::populateLowerCvmmPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerCvmm, LowerCvmmWeightGrad>(patterns.getContext());
}
