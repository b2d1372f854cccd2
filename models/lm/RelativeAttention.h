//===- RelativeAttention.h - Transformer-XL attention, forward and backward
//===//
//
// Multi-head attention with relative positions and a memory (Dai et al.
// 2019, as in the σ-MoE paper's models). For a segment of T tokens and M
// memory positions (S = M + T keys), head h, query i and key j <= i + M:
//
//   score(i, j) = ((q_i + u_h) . k_j + (q_i + v_h) . r_{i+M-j}) / sqrt(d_h)
//
// where q = a_query Wq, k = a Wk, v = a Wv over the layer-normalised
// concatenation `a` of memory and segment, r_d = PE(d) Wr for the sinusoid
// PE of distance d, and u, v the content and position biases. The output is
// softmax(score) (with attention dropout) times v, projected by Wo.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_RELATIVEATTENTION_H
#define SIEVE_MODELS_LM_RELATIVEATTENTION_H

#include "models/lm/Device/AttentionShape.h"

#include <cstdint>
#include <vector>

namespace sieve::lm {

/// Weights: wq, wk, wv, wr (d_model x H d_h), wo (H d_h x d_model), u, v
/// (H x d_h). The same layout for their gradients.
struct AttentionWeights {
  float *wq, *wk, *wv, *wr, *wo, *u, *v;
};

/// What forward keeps for backward.
struct AttentionCache {
  std::vector<float> q, k, v, r, probs, heads;
};

/// The sinusoid encodings of distances 0 .. count - 1 (count x d_model).
std::vector<float> sinusoidPositions(int64_t count, int64_t dModel);

/// out (B x T x d_model) = attention of the last T rows of each batch's `a`
/// (B x S x d_model) over all S. `dropout`: attention-probability dropout
/// with the given seed and stream.
void attentionForward(float *out, const float *a, const float *positions,
                      const AttentionWeights &w, const AttentionShape &shape,
                      double dropout, uint64_t seed, uint64_t stream,
                      AttentionCache &cache);

/// da (B x S x d_model) += and the weight gradients += from dout.
void attentionBackward(float *da, const AttentionWeights &grads,
                       const float *dout, const float *a,
                       const float *positions, const AttentionWeights &w,
                       const AttentionShape &shape, double dropout,
                       uint64_t seed, uint64_t stream,
                       const AttentionCache &cache);

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_RELATIVEATTENTION_H
