//===- Lowerings.h - patterns lowering primitives on buffers to loops -----===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOSCF_LOWERINGS_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOSCF_LOWERINGS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::sieve {

/// select_experts, sinkhorn, dispatch, word_route, bernoulli_mask.
void populateLowerRoutingPatterns(RewritePatternSet &patterns);
/// cvmm, cvmm_weight_grad.
void populateLowerCvmmPatterns(RewritePatternSet &patterns);
/// topk, product_key_topk, gather_sum.
void populateLowerTopKPatterns(RewritePatternSet &patterns);
/// entropy_reg, switch_reg.
void populateLowerRegularizerPatterns(RewritePatternSet &patterns);

/// All of the above.
void populateSieveToSCFPatterns(RewritePatternSet &patterns);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOSCF_LOWERINGS_H
