//===- LowerCopies.cpp - memref.copy as loops
//------------------------------===//
//
// Bufferization turns tensor.insert_slice (the backward pass of a sliced
// input) and some result copies into memref.copy. Between buffers with a
// strided layout, the LLVM lowering would call `memrefCopy` of MLIR's C
// runner library, which bundles do not link: copy element by element in
// parallel loops instead.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SieveToSCF/LoopBuilder.h"
#include "compiler/Conversion/SieveToSCF/Lowerings.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

struct LowerMemrefCopy : OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::CopyOp copy,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<MemRefType>(copy.getSource().getType());
    if (!type)
      return rewriter.notifyMatchFailure(copy, "not a ranked memref");
    LoopBuilder lb(rewriter, copy.getLoc());
    Value source = copy.getSource(), target = copy.getTarget();
    if (type.getRank() == 0) {
      lb.store(lb.load(source, {}), target, {});
    } else {
      SmallVector<Value> lowers, uppers;
      for (int64_t d = 0; d < type.getRank(); ++d) {
        lowers.push_back(lb.index(0));
        uppers.push_back(lb.dim(source, d));
      }
      lb.parallel(lowers, uppers, [&](LoopBuilder &b, ValueRange indices) {
        b.store(b.load(source, indices), target, indices);
      });
    }
    rewriter.eraseOp(copy);
    return success();
  }
};

} // namespace

void mlir::sieve::populateLowerCopyPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerMemrefCopy>(patterns.getContext());
}
