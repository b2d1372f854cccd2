//===- Decompositions.h - rewrite patterns of sieve-decompose -------------===//
//
// One pattern per layer op, each in its own file, registered by mnemonic so
// the pass can decompose a chosen subset of the layers.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_DIALECTS_SIEVE_TRANSFORMS_DECOMPOSITIONS_H
#define SIEVE_DIALECTS_SIEVE_TRANSFORMS_DECOMPOSITIONS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::sieve {

void populateDecomposeDenseFfnPatterns(RewritePatternSet &patterns);
void populateDecomposeTopKFfnPatterns(RewritePatternSet &patterns);
void populateDecomposePkmFfnPatterns(RewritePatternSet &patterns);
void populateDecomposeMoeFfnPatterns(RewritePatternSet &patterns);
void populateDecomposeMoweFfnPatterns(RewritePatternSet &patterns);

/// A layer op's mnemonic (e.g. "moe_ffn") and the patterns that lower it.
struct LayerDecomposition {
  StringRef mnemonic;
  void (*populate)(RewritePatternSet &);
};

/// Every layer op of the dialect with its decomposition.
ArrayRef<LayerDecomposition> getLayerDecompositions();

/// The patterns of the layers named in `mnemonics` (all when empty).
void populateDecomposeLayerPatterns(RewritePatternSet &patterns,
                                    ArrayRef<std::string> mnemonics = {});

} // namespace mlir::sieve

#endif // SIEVE_DIALECTS_SIEVE_TRANSFORMS_DECOMPOSITIONS_H
