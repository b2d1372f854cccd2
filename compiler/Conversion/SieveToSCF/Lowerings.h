//===- Lowerings.h - patterns lowering primitives on buffers to loops -----===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOSCF_LOWERINGS_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOSCF_LOWERINGS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::sieve {

/// select_experts, sinkhorn, dispatch, word_route, bernoulli_mask.
void populateLowerRoutingPatterns(RewritePatternSet &patterns);
/// cvmm, cvmm_weight_grad.
void populateLowerCvmmPatterns(RewritePatternSet &patterns);
/// topk, product_key_topk, gather_sum (`gpu`: gather_sum in the form for
/// a GPU, an iteration per output element).
void populateLowerTopKPatterns(RewritePatternSet &patterns, bool gpu);
/// entropy_reg, switch_reg and their adjoints.
void populateLowerRegularizerPatterns(RewritePatternSet &patterns);
/// select_grad, product_key_grad, gather_dot, scatter_sum, pair_dot,
/// scale_rows.
void populateLowerAdjointPatterns(RewritePatternSet &patterns);

/// memref.copy, so that no copy needs MLIR's C runner library.
void populateLowerCopyPatterns(RewritePatternSet &patterns);

/// All of the above.
void populateSieveToSCFPatterns(RewritePatternSet &patterns, bool gpu = false);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOSCF_LOWERINGS_H
