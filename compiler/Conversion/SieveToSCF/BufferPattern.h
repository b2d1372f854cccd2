//===- BufferPattern.h - base of the primitive lowerings ------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOSCF_BUFFERPATTERN_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOSCF_BUFFERPATTERN_H

#include "compiler/Conversion/SieveToSCF/LoopBuilder.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir::sieve {

/// Lowers a primitive once it has buffer semantics: `lower` emits loops in
/// its place, then the op is erased.
template <typename OpTy> struct BufferPattern : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const final {
    if (!op.hasPureBufferSemantics())
      return rewriter.notifyMatchFailure(op, "not on buffers yet");
    LoopBuilder lb(rewriter, op.getLoc());
    lower(op, lb);
    rewriter.eraseOp(op);
    return success();
  }

  virtual void lower(OpTy op, LoopBuilder &lb) const = 0;
};

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOSCF_BUFFERPATTERN_H
