//===- SieveToVector.cpp - the sieve-convert-gemms-to-vector pass ---------===//

#include "compiler/Conversion/Passes.h"
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
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateCvmmGemmPatterns(patterns);
    populateMatmulGemmPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace
