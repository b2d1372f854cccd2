//===- SieveToSCF.cpp - the sieve-convert-to-scf pass ---------------------===//

#include "compiler/Conversion/Passes.h"
#include "compiler/Conversion/SieveToSCF/Lowerings.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::sieve {
#define GEN_PASS_DEF_CONVERTSIEVETOSCF
#include "compiler/Conversion/Passes.h.inc"
} // namespace mlir::sieve

using namespace mlir;
using namespace mlir::sieve;

void mlir::sieve::populateSieveToSCFPatterns(RewritePatternSet &patterns,
                                             bool gpu) {
  populateLowerRoutingPatterns(patterns);
  populateLowerCvmmPatterns(patterns);
  populateLowerTopKPatterns(patterns, gpu);
  populateLowerRegularizerPatterns(patterns);
  populateLowerAdjointPatterns(patterns);
  populateLowerCopyPatterns(patterns);
}

namespace {

struct ConvertSieveToSCFPass
    : mlir::sieve::impl::ConvertSieveToSCFBase<ConvertSieveToSCFPass> {
  using ConvertSieveToSCFBase::ConvertSieveToSCFBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateSieveToSCFPatterns(patterns, gpu);
    walkAndApplyPatterns(getOperation(), std::move(patterns));

    WalkResult leftover = getOperation()->walk([](Operation *op) {
      if (!isa<SieveDialect>(op->getDialect()))
        return WalkResult::advance();
      op->emitOpError() << "must be bufferized before sieve-convert-to-scf "
                           "(it still has tensor operands)";
      return WalkResult::interrupt();
    });
    if (leftover.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
