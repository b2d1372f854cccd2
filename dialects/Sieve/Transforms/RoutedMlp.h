//===- RoutedMlp.h - the routed two-layer MLP shared by MoE and MoWE ------===//

#ifndef SIEVE_DIALECTS_SIEVE_TRANSFORMS_ROUTEDMLP_H
#define SIEVE_DIALECTS_SIEVE_TRANSFORMS_ROUTEDMLP_H

#include "dialects/Sieve/Transforms/TensorBuilder.h"

namespace mlir::sieve {

/// Runs every token through the experts `experts` selects for it (tokens x k,
/// i32; -1 = not routed) and sums the slots, weighted by `gates` (tokens x k;
/// null = weight 1):
///
///   y = sum_slots gate * W2^e ReLU(W1^e x)            (σ-MoE Eq. 11)
///
/// as sieve.dispatch, a gathering sieve.cvmm (token -> sorted), a ReLU and a
/// combining sieve.cvmm (sorted -> token, scaled by the gates). `w1` is
/// N_E x d_model x G, `w2` N_E x G x d_model. The sum is accumulated into
/// `accumulator` (tokens x d_model) when given, else into zeros.
/// Standard dropout on the hidden units (σ-MoE's "standard dropout"
/// ablation): a mask from `seed`'s stream 1, kept with 1 - probability.
struct HiddenDropout {
  Value seed;
  double probability = 0.0;
};

Value buildRoutedMlp(TensorBuilder &tb, Value x, Value experts,
                     int64_t numExperts, Value w1, Value w2, Value gates,
                     Value accumulator = Value(),
                     HiddenDropout dropout = HiddenDropout());

} // namespace mlir::sieve

#endif // SIEVE_DIALECTS_SIEVE_TRANSFORMS_ROUTEDMLP_H
