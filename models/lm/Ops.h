//===- Ops.h - the dense layers of the language model, forward and backward
//===//
//
// In the manner of llm.c: every op is a pair of plain functions on row-major
// f32 arrays, forward and backward, the backward accumulating (+=) into the
// gradients it is given. Matrix products go to OpenBLAS (the dense parts of
// the model may use vendor libraries; the feed-forward blocks are Sieve's
// compiled kernels). Randomness (dropout) is counter-based: a mask is a
// pure function of (seed, stream, element), as sieve.bernoulli_mask's.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_OPS_H
#define SIEVE_MODELS_LM_OPS_H

#include <cstdint>

namespace sieve::lm {

/// Keeps OpenBLAS on the thread that calls it: the model splits its own
/// products over the cores (Parallel.h), so a pool would only contend.
void keepBlasOnCallingThread();

/// out (n x m) = in (n x k) W (k x m) [+ bias]; `accumulate` adds to out.
void linearForward(float *out, const float *in, const float *w,
                   const float *bias, int64_t n, int64_t k, int64_t m,
                   bool accumulate = false);
/// din += dout W^T (din may be null); dw += in^T dout; dbias += column sums
/// of dout (dbias may be null).
void linearBackward(float *din, float *dw, float *dbias, const float *dout,
                    const float *in, const float *w, int64_t n, int64_t k,
                    int64_t m);

/// Layer normalisation of n rows of width c, with gain g and bias b; saves
/// each row's mean and 1/std.
void layerNormForward(float *out, float *mean, float *rstd, const float *x,
                      const float *g, const float *b, int64_t n, int64_t c);
void layerNormBackward(float *dx, float *dg, float *db, const float *dout,
                       const float *x, const float *mean, const float *rstd,
                       const float *g, int64_t n, int64_t c);

/// out[i] = table[tokens[i]] (rows of width c).
void embeddingForward(float *out, const int32_t *tokens, const float *table,
                      int64_t n, int64_t c);
void embeddingBackward(float *dtable, const float *dout, const int32_t *tokens,
                       int64_t n, int64_t c);

/// Inverted dropout with keep probability 1 - p: out = keep ? x / (1 - p)
/// : 0, the mask drawn from (seed, stream, index). p = 0 copies.
void dropoutForward(float *out, const float *x, int64_t n, double p,
                    uint64_t seed, uint64_t stream);
/// dx += the same mask applied to dout.
void dropoutBackward(float *dx, const float *dout, int64_t n, double p,
                     uint64_t seed, uint64_t stream);

/// Softmax cross-entropy of n rows of `vocab` logits against targets:
/// writes the probabilities and returns the summed loss in nats.
double crossEntropyForward(float *probs, const float *logits,
                           const int32_t *targets, int64_t n, int64_t vocab);
/// dlogits = scale * (probs - onehot(targets)).
void crossEntropyBackward(float *dlogits, const float *probs,
                          const int32_t *targets, int64_t n, int64_t vocab,
                          float scale);

/// y += x (n elements).
void addInPlace(float *y, const float *x, int64_t n);

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_OPS_H
