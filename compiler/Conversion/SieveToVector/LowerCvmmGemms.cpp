//===- LowerCvmmGemms.cpp - CVMM as per-expert tiled GEMMs ----------------===//
//
// CVMM (Eq. 26) on rows sorted by expert is one GEMM per expert over the
// expert's contiguous rows (App. B.1), and its weight gradient one GEMM per
// expert reducing over them. Work is split so no two threads write one
// element:
//
//  - sorted output rows: chunks of sorted rows, each chunk's rows cut at
//    expert boundaries;
//  - token output rows (several pairs of a token add into its row): column
//    chunks, each thread taking every row for its columns;
//  - weight gradients: experts.
//
// The weights are packed into GEMM panels once, before the parallel loop
// (transposed weights read transposed while packing).
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SieveToVector/GemmEmitter.h"
#include "compiler/Conversion/SieveToVector/Lowerings.h"

#include "compiler/Conversion/SieveToSCF/PairRows.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

bool allF32(ValueRange values) {
  return llvm::all_of(values, [](Value value) {
    return !value || getElementTypeOrSelf(value.getType()).isF32();
  });
}

/// Every expert's matrix of `weight` (E x M x L, or E x L x M when
/// transposed) packed for the GEMMs as E blocks of M-step panels; the
/// caller frees it. Returns the buffer and each expert's element count.
std::pair<Value, Value> packExperts(LoopBuilder &lb, Value weight,
                                    bool transposed) {
  Value experts = lb.dim(weight, 0);
  Value steps = lb.dim(weight, transposed ? 2 : 1);
  Value columns = lb.dim(weight, transposed ? 1 : 2);
  Value perExpert = packedGemmBSize(lb, steps, columns);
  Value packed = lb.alloc(
      MemRefType::get({ShapedType::kDynamic}, lb.builder().getF32Type()),
      {lb.mul(experts, perExpert)});
  packGemmB(
      lb, packed, steps, columns, experts,
      [&](LoopBuilder &b, Value e) { return b.mul(e, perExpert); },
      [&](LoopBuilder &b, Value e, Value k, Value j) {
        return transposed ? b.load(weight, {e, j, k})
                          : b.load(weight, {e, k, j});
      });
  return {packed, perExpert};
}

/// `body(e, lo, hi)` for every expert e whose sorted rows meet [begin, end).
void forEachExpertSegment(
    LoopBuilder &lb, Value offsets, Value begin, Value end,
    function_ref<void(LoopBuilder &, Value, Value, Value)> body) {
  Value experts = lb.sub(lb.dim(offsets, 0), lb.index(1));
  lb.forEach(lb.index(0), experts, [&](LoopBuilder &b, Value e) {
    Value first = b.loadIndex(offsets, {e});
    Value last = b.loadIndex(offsets, {b.add(e, b.index(1))});
    Value lo = arith::MaxSIOp::create(b.builder(), b.location(), first, begin);
    Value hi = arith::MinSIOp::create(b.builder(), b.location(), last, end);
    b.ifThen(b.cmp(arith::CmpIPredicate::slt, lo, hi),
             [&](LoopBuilder &ib) { body(ib, e, lo, hi); });
  });
}

/// `ceil(size / chunk)`.
Value chunksOf(LoopBuilder &lb, Value size, int64_t chunk) {
  return lb.divu(lb.add(size, lb.index(chunk - 1)), lb.index(chunk));
}

struct CvmmGemm : OpRewritePattern<CvmmOp> {
  CvmmGemm(MLIRContext *ctx, const GemmTunables &tunables)
      : OpRewritePattern(ctx), tunables(tunables) {}
  GemmTunables tunables;

  LogicalResult matchAndRewrite(CvmmOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics() ||
        !allF32({op.getInput(), op.getWeight(), op.getScale(), op.getInit()}))
      return rewriter.notifyMatchFailure(op, "the GEMM kernels are f32");
    LoopBuilder lb(rewriter, op.getLoc());
    Value input = op.getInput(), init = op.getInit(), scale = op.getScale();
    Value pairs = op.getSortedPairs(), offsets = op.getOffsets();
    Value k = lb.index(op.getK());
    bool transposed = op.getTransposeWeight();
    Value weight = op.getWeight();
    Value inWidth = lb.dim(weight, transposed ? 2 : 1);
    Value outWidth = lb.dim(weight, transposed ? 1 : 2);
    auto [packed, perExpert] = packExperts(lb, weight, transposed);
    Value routed = routedPairs(lb, offsets);
    RowOrder inRows = op.getInputRows(), outRows = op.getOutputRows();

    auto gemm = [&](LoopBuilder &b, Value e, Value lo, Value hi, Value j0,
                    Value j1) {
      GemmSpec spec;
      spec.kBlock = tunables.kBlock;
      spec.mBlock = tunables.mBlock;
      spec.row = [&](LoopBuilder &rb, Value j) {
        PairRow pair = pairAt(rb, pairs, j, k);
        GemmSpec::Row row;
        row.a = pair.rowIn(inRows, j);
        row.c = {pair.rowIn(outRows, j)};
        if (scale)
          row.scale = rb.loadF32(scale, {pair.token, pair.slot});
        return row;
      };
      spec.loadA = [&](LoopBuilder &ab, const GemmSpec::Row &row, Value,
                       Value m) {
        return ab.load(input, {row.a, m});
      };
      spec.c = init;
      spec.packedB = packed;
      spec.packedBOffset = b.mul(e, perExpert);
      spec.packedBSteps = inWidth;
      emitGemm(b, spec, lo, hi, j0, j1, b.index(0), inWidth);
    };

    Value zero = lb.index(0);
    if (outRows == RowOrder::Sorted) {
      // Chunks of sorted rows: disjoint output rows.
      lb.parallel(zero, chunksOf(lb, routed, tunables.rowChunk),
                  [&](LoopBuilder &b, ValueRange c) {
                    Value begin = b.mul(c[0], b.index(tunables.rowChunk));
                    Value end = arith::MinSIOp::create(
                        b.builder(), b.location(),
                        b.add(begin, b.index(tunables.rowChunk)), routed);
                    forEachExpertSegment(
                        b, offsets, begin, end,
                        [&](LoopBuilder &sb, Value e, Value lo, Value hi) {
                          gemm(sb, e, lo, hi, sb.index(0), outWidth);
                        });
                  });
    } else {
      // Token rows collect several pairs: threads split the columns.
      lb.parallel(
          zero, chunksOf(lb, outWidth, tunables.columnChunk),
          [&](LoopBuilder &b, ValueRange c) {
            Value j0 = b.mul(c[0], b.index(tunables.columnChunk));
            Value j1 = arith::MinSIOp::create(
                b.builder(), b.location(),
                b.add(j0, b.index(tunables.columnChunk)), outWidth);
            b.forEach(b.index(0), chunksOf(b, routed, tunables.rowChunk),
                      [&](LoopBuilder &rb, Value chunk) {
                        Value begin =
                            rb.mul(chunk, rb.index(tunables.rowChunk));
                        Value end = arith::MinSIOp::create(
                            rb.builder(), rb.location(),
                            rb.add(begin, rb.index(tunables.rowChunk)), routed);
                        forEachExpertSegment(
                            rb, offsets, begin, end,
                            [&](LoopBuilder &sb, Value e, Value lo, Value hi) {
                              gemm(sb, e, lo, hi, j0, j1);
                            });
                      });
          });
    }
    lb.dealloc(packed);
    rewriter.eraseOp(op);
    return success();
  }
};

struct CvmmWeightGradGemm : OpRewritePattern<CvmmWeightGradOp> {
  CvmmWeightGradGemm(MLIRContext *ctx, const GemmTunables &tunables)
      : OpRewritePattern(ctx), tunables(tunables) {}
  GemmTunables tunables;

  /// dW[e](m, l) += sum over e's rows j of in(j)[m] * scale(j) * grad(j)[l]:
  /// rows m of dW, reduction over j.
  LogicalResult matchAndRewrite(CvmmWeightGradOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics() ||
        !allF32(
            {op.getInput(), op.getGradOutput(), op.getScale(), op.getInit()}))
      return rewriter.notifyMatchFailure(op, "the GEMM kernels are f32");
    LoopBuilder lb(rewriter, op.getLoc());
    Value input = op.getInput(), grad = op.getGradOutput();
    Value scale = op.getScale(), init = op.getInit();
    Value pairs = op.getSortedPairs(), offsets = op.getOffsets();
    Value k = lb.index(op.getK());
    RowOrder inRows = op.getInputRows(), gradRows = op.getGradRows();
    Value experts = lb.dim(init, 0), inWidth = lb.dim(init, 1),
          outWidth = lb.dim(init, 2);
    Value zero = lb.index(0);

    // One task per expert: its B (the gradient rows) is packed once per
    // block of steps and serves every row of dW[e].
    lb.parallel(zero, experts, [&](LoopBuilder &b, ValueRange expert) {
      Value e = expert[0];
      GemmSpec spec;
      spec.kBlock = tunables.kBlock;
      spec.mBlock = tunables.mBlock;
      spec.row = [&](LoopBuilder &, Value m) {
        GemmSpec::Row row;
        row.a = m;
        row.c = {e, m};
        return row;
      };
      spec.step = [&](LoopBuilder &sb, Value j) {
        return sb.loadIndex(pairs, {j});
      };
      auto rowOf = [&](LoopBuilder &rb, RowOrder order, Value pair, Value j) {
        return order == RowOrder::Token ? rb.divu(pair, k) : j;
      };
      spec.loadA = [&](LoopBuilder &ab, const GemmSpec::Row &row, Value pair,
                       Value j) {
        return ab.load(input, {rowOf(ab, inRows, pair, j), row.a});
      };
      spec.loadB = [&](LoopBuilder &bb, Value pair, Value j, Value l) {
        Value g = bb.load(grad, {rowOf(bb, gradRows, pair, j), l});
        if (scale)
          g = bb.mulf(g,
                      bb.loadF32(scale, {bb.divu(pair, k), bb.remu(pair, k)}));
        return g;
      };
      spec.aStepMajor = true;
      spec.c = init;
      Value begin = b.loadIndex(offsets, {e});
      Value end = b.loadIndex(offsets, {b.add(e, b.index(1))});
      emitGemm(b, spec, zero, inWidth, zero, outWidth, begin, end);
    });
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void mlir::sieve::populateCvmmGemmPatterns(RewritePatternSet &patterns,
                                           const GemmTunables &tunables) {
  patterns.add<CvmmGemm, CvmmWeightGradGemm>(patterns.getContext(), tunables);
}
