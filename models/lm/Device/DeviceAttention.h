//===- DeviceAttention.h - relative attention as device operations --------===//
//
// The Transformer-XL attention of RelativeAttention.h, forward and
// backward, as a program of DenseOps: projections and the per-(head,
// stream) products as (strided-batched) GEMMs, the masked softmax with the
// relative shift, dropout and its backward as kernels. Per-head tensors
// are head-major, (H, B, rows, d_h), so that the position term, which
// every stream of a head shares, is one GEMM per head over all streams'
// rows, and its weight gradient sums over the streams inside that GEMM.
// Same inputs, weights, dropout draws and outputs as the host's. The
// GEMMs multiply through a Matmul: f32, or bf16 operands under mixed
// precision, each tensor that several GEMMs read rounded once.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_DEVICE_DEVICEATTENTION_H
#define SIEVE_MODELS_LM_DEVICE_DEVICEATTENTION_H

#include "models/lm/Device/AttentionShape.h"
#include "models/lm/Device/Matmul.h"

namespace sieve::lm::device {

/// f32 weights (or their gradients) on the device, laid out as the
/// host's: wq, wk, wv, wr (d_model x H d_h), wo (H d_h x d_model), u, v
/// (H x d_h).
struct AttentionWeights {
  Address wq, wk, wv, wr, wo, u, v;
};

/// What the forward keeps for the backward: q head-major and the softmax's
/// probabilities (f32); as GEMM operands, the input rows, k, v, r
/// head-major, the probabilities after dropout and the merged heads. With
/// f32 operands the input rows are the caller's, which must outlive this.
struct AttentionCache {
  std::unique_ptr<Buffer> q, probs;
  PreparedValues a, k, v, r, dropped, heads;
};

/// out (B x T x d_model) = attention of the last T rows of each stream's
/// `a` (B x S x d_model) over all S; `positions` are the S sinusoid
/// encodings (S x d_model).
void attentionForward(const Matmul &matmul, Address out, Address a,
                      Address positions, const AttentionWeights &w,
                      const AttentionShape &shape, double dropout,
                      uint64_t seed, uint64_t stream, AttentionCache &cache);

/// da (B x S x d_model) += and the weight gradients += from dout.
void attentionBackward(const Matmul &matmul, Address da,
                       const AttentionWeights &grads, Address dout,
                       Address positions, const AttentionWeights &w,
                       const AttentionShape &shape, double dropout,
                       uint64_t seed, uint64_t stream,
                       const AttentionCache &cache);

} // namespace sieve::lm::device

#endif // SIEVE_MODELS_LM_DEVICE_DEVICEATTENTION_H
