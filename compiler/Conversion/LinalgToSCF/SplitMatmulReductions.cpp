//===- SplitMatmulReductions.cpp - token-long matmul sums in chunks -------===//
//
// On a GPU, convert-linalg-to-parallel-loops gives a matmul a thread per
// output element; where the reduction runs over the token dimension (a
// weight gradient such as the router's dW3 = xᵀ dscores, or a dense
// layer's dW1 = xᵀ dh) that is a few thousand threads each summing tens of
// thousands of products in a row. This pass writes such a matmul as two
// parallel nests instead: partial sums over fixed chunks of the reduction
// (a thread per (chunk, output element)), then the sum of the chunks, in
// chunk order, added to the output. The order of additions is fixed by the
// chunk size, so the result is the same on every run.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/Passes.h"
#include "compiler/Conversion/SieveToSCF/LoopBuilder.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::sieve {
#define GEN_PASS_DEF_SPLITMATMULREDUCTIONS
#include "compiler/Conversion/Passes.h.inc"
} // namespace mlir::sieve

using namespace mlir;
using namespace mlir::sieve;

namespace {

/// The operand dimension that loop `loop` (0: m, 1: n, 2: k) indexes under
/// `map`, if any.
std::optional<unsigned> dimensionOf(AffineMap map, unsigned loop) {
  for (unsigned result = 0; result < map.getNumResults(); ++result)
    if (map.getDimPosition(result) == loop)
      return result;
  return std::nullopt;
}

/// An operand's indices at loop indices (m, n, k).
SmallVector<Value> indicesAt(AffineMap map, ArrayRef<Value> loops) {
  SmallVector<Value> indices;
  for (unsigned result = 0; result < map.getNumResults(); ++result)
    indices.push_back(loops[map.getDimPosition(result)]);
  return indices;
}

struct SplitMatmulReduction : OpRewritePattern<linalg::MatmulOp> {
  SplitMatmulReduction(MLIRContext *context, int64_t chunk)
      : OpRewritePattern(context), chunk(chunk) {}

  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics())
      return rewriter.notifyMatchFailure(op, "not on buffers");
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    if (!llvm::all_of(maps, [](AffineMap map) {
          return map.isProjectedPermutation() && map.getNumDims() == 3;
        }))
      return rewriter.notifyMatchFailure(op, "maps are not permutations");
    Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1];
    Value out = op.getDpsInits()[0];
    std::optional<unsigned> kOfA = dimensionOf(maps[0], 2);
    std::optional<unsigned> mOfOut = dimensionOf(maps[2], 0);
    std::optional<unsigned> nOfOut = dimensionOf(maps[2], 1);
    auto aType = cast<MemRefType>(a.getType());
    auto outType = cast<MemRefType>(out.getType());
    if (!kOfA || !mOfOut || !nOfOut)
      return rewriter.notifyMatchFailure(op, "no reduction over A");
    if (!aType.isDynamicDim(*kOfA))
      return rewriter.notifyMatchFailure(op,
                                         "the reduction is not over tokens");

    LoopBuilder lb(rewriter, op.getLoc());
    Value reduction = lb.dim(a, *kOfA);
    Value rows = lb.dim(out, *mOfOut), columns = lb.dim(out, *nOfOut);
    Value chunkSize = lb.index(chunk);
    Value chunks = lb.divu(lb.add(reduction, lb.index(chunk - 1)), chunkSize);
    auto partialType =
        MemRefType::get({ShapedType::kDynamic, outType.getDimSize(*mOfOut),
                         outType.getDimSize(*nOfOut)},
                        rewriter.getF32Type());
    SmallVector<Value> partialSizes = {chunks};
    if (partialType.isDynamicDim(1))
      partialSizes.push_back(rows);
    if (partialType.isDynamicDim(2))
      partialSizes.push_back(columns);
    Value partial = lb.alloc(partialType, partialSizes);

    // A thread per (chunk, m, n): its chunk's products, summed in f32.
    Value zero = lb.index(0);
    lb.parallel({zero, zero, zero}, {chunks, rows, columns},
                [&](LoopBuilder &pb, ValueRange cmn) {
                  Value begin = pb.mul(cmn[0], chunkSize);
                  Value end = pb.add(begin, chunkSize);
                  end = pb.select(
                      pb.cmp(arith::CmpIPredicate::ult, end, reduction), end,
                      reduction);
                  Value sum = pb.forEach(
                      begin, end, {pb.f32(0.0)},
                      [&](LoopBuilder &kb, Value k, ValueRange acc) {
                        SmallVector<Value> loops = {cmn[1], cmn[2], k};
                        Value product =
                            kb.mulf(kb.loadF32(a, indicesAt(maps[0], loops)),
                                    kb.loadF32(b, indicesAt(maps[1], loops)));
                        return SmallVector<Value>{kb.addf(acc[0], product)};
                      })[0];
                  pb.store(sum, partial, cmn);
                });
    // A thread per (m, n): the chunks in order, added to the output.
    lb.parallel(
        {zero, zero}, {rows, columns}, [&](LoopBuilder &pb, ValueRange mn) {
          SmallVector<Value> loops = {mn[0], mn[1], zero};
          SmallVector<Value> at = indicesAt(maps[2], loops);
          Value total =
              pb.forEach(pb.index(0), chunks, {pb.loadF32(out, at)},
                         [&](LoopBuilder &cb, Value c, ValueRange acc) {
                           return SmallVector<Value>{cb.addf(
                               acc[0], cb.load(partial, {c, mn[0], mn[1]}))};
                         })[0];
          pb.storeF32(total, out, at);
        });
    lb.dealloc(partial);
    rewriter.eraseOp(op);
    return success();
  }

  int64_t chunk;
};

struct SplitMatmulReductionsPass
    : mlir::sieve::impl::SplitMatmulReductionsBase<SplitMatmulReductionsPass> {
  using SplitMatmulReductionsBase::SplitMatmulReductionsBase;

  void runOnOperation() override {
    if (chunkSize < 1) {
      getOperation()->emitError()
          << "sieve-split-matmul-reductions: chunk-size must be at least 1, "
             "got "
          << static_cast<int64_t>(chunkSize);
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<SplitMatmulReduction>(&getContext(), chunkSize);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace
