//===- SieveToVector.cpp - the sieve-convert-gemms-to-vector pass ---------===//

#include "compiler/Conversion/Passes.h"
#include "compiler/Conversion/SieveToVector/GemmEmitter.h"
#include "compiler/Conversion/SieveToVector/Lowerings.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::sieve {
#define GEN_PASS_DEF_CONVERTGEMMSTOVECTOR
#include "compiler/Conversion/Passes.h.inc"
} // namespace mlir::sieve

using namespace mlir;
using namespace mlir::sieve;

namespace {

struct ConvertGemmsToVectorPass
    : mlir::sieve::impl::ConvertGemmsToVectorBase<ConvertGemmsToVectorPass> {
  using ConvertGemmsToVectorBase::ConvertGemmsToVectorBase;

  void runOnOperation() override {
    if (columnChunk <= 0 || columnChunk % kGemmPanel != 0 || kBlock <= 0 ||
        mBlock <= 0 || rowChunk <= 0) {
      getOperation()->emitError()
          << "sieve-convert-gemms-to-vector: k-block, m-block and row-chunk "
             "must be positive and column-chunk a positive multiple of "
          << kGemmPanel;
      return signalPassFailure();
    }
    GemmTunables tunables{kBlock, mBlock, rowChunk, columnChunk};
    RewritePatternSet patterns(&getContext());
    populateCvmmGemmPatterns(patterns, tunables);
    populateMatmulGemmPatterns(patterns, tunables);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace
