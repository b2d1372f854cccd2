//===- DecomposePass.cpp - the sieve-decompose pass -----------------------===//

#include "dialects/Sieve/IR/SieveOps.h"
#include "dialects/Sieve/Transforms/Decompositions.h"
#include "dialects/Sieve/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/ADT/STLExtras.h"

namespace mlir::sieve {
#define GEN_PASS_DEF_SIEVEDECOMPOSE
#include "dialects/Sieve/Transforms/Passes.h.inc"
} // namespace mlir::sieve

using namespace mlir;
using namespace mlir::sieve;

ArrayRef<LayerDecomposition> mlir::sieve::getLayerDecompositions() {
  static const LayerDecomposition decompositions[] = {
      {"dense_ffn", populateDecomposeDenseFfnPatterns},
      {"topk_ffn", populateDecomposeTopKFfnPatterns},
      {"pkm_ffn", populateDecomposePkmFfnPatterns},
      {"moe_ffn", populateDecomposeMoeFfnPatterns},
      {"mowe_ffn", populateDecomposeMoweFfnPatterns},
  };
  return decompositions;
}

void mlir::sieve::populateDecomposeLayerPatterns(
    RewritePatternSet &patterns, ArrayRef<std::string> mnemonics) {
  for (const LayerDecomposition &layer : getLayerDecompositions())
    if (mnemonics.empty() || llvm::is_contained(mnemonics, layer.mnemonic))
      layer.populate(patterns);
}

namespace {

struct SieveDecomposePass
    : mlir::sieve::impl::SieveDecomposeBase<SieveDecomposePass> {
  using Base::Base;

  void runOnOperation() override {
    Operation *root = getOperation();
    for (const std::string &name : layers) {
      if (llvm::any_of(getLayerDecompositions(),
                       [&](const LayerDecomposition &layer) {
                         return layer.mnemonic == name;
                       }))
        continue;
      InFlightDiagnostic diag = emitError(root->getLoc())
                                << "sieve-decompose: unknown layer op '" << name
                                << "' in layers=; expected one of: ";
      llvm::interleaveComma(
          getLayerDecompositions(), diag,
          [&](const LayerDecomposition &layer) { diag << layer.mnemonic; });
      return signalPassFailure();
    }

    // Each layer op is rewritten exactly once; no folding or cleanup here
    // (pipelines run canonicalize and cse afterwards).
    RewritePatternSet patterns(&getContext());
    populateDecomposeLayerPatterns(patterns, layers);
    walkAndApplyPatterns(root, std::move(patterns));

    WalkResult leftover = root->walk([&](LayerOpInterface layer) {
      StringRef mnemonic = layer->getName().stripDialect();
      if (!layers.empty() && !llvm::is_contained(layers, mnemonic))
        return WalkResult::advance();
      // untested-diagnostic: every layer op has a pattern that always applies;
      // this guards layer ops added without a decomposition.
      layer->emitOpError() << "was left behind by sieve-decompose";
      return WalkResult::interrupt();
    });
    if (leftover.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
