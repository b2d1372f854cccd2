//===- DecomposeAggregatedOps.cpp - linalg.softmax into generics ----------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::sieve {
#define GEN_PASS_DEF_DECOMPOSEAGGREGATEDOPS
#include "compiler/Transforms/Passes.h.inc"
} // namespace mlir::sieve

using namespace mlir;

namespace {

struct DecomposeAggregatedOpsPass
    : mlir::sieve::impl::DecomposeAggregatedOpsBase<
          DecomposeAggregatedOpsPass> {
  void runOnOperation() override {
    SmallVector<linalg::AggregatedOpInterface> aggregates;
    getOperation()->walk(
        [&](linalg::AggregatedOpInterface op) { aggregates.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::AggregatedOpInterface op : aggregates) {
      rewriter.setInsertionPoint(op);
      FailureOr<SmallVector<Value>> replacements =
          op.decomposeOperation(rewriter);
      if (failed(replacements)) {
        // untested-diagnostic: linalg.softmax, the only aggregate the
        // decompositions emit, always decomposes.
        op->emitOpError() << "could not be decomposed";
        return signalPassFailure();
      }
      rewriter.replaceOp(op, *replacements);
    }
  }
};

} // namespace
