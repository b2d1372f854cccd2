//===- RelativeAttention.cpp - Transformer-XL attention -------------------===//
//
// Per (batch, head), with qu = q + u and qv = q + v (T x d_h):
//   AC = qu K^T (T x S),  G = qv R^T (T x S, G[i][d] for distance d),
//   score[i][j] = (AC[i][j] + G[i][i+M-j]) / sqrt(d_h), j <= i + M,
//   P = softmax(score), P' = dropout(P), O = P' V.
// Backward reverses each product; the position term's gradient is gathered
// back from score coordinates to distance coordinates.
//
//===----------------------------------------------------------------------===//

#include "models/lm/RelativeAttention.h"

#include "models/lm/Ops.h"
#include "models/lm/Parallel.h"
#include "runtime/Random/CounterRandom.h"

#include <cblas.h>

#include <cmath>
#include <limits>

using namespace sieve;
using namespace sieve::lm;

std::vector<float> sieve::lm::sinusoidPositions(int64_t count, int64_t dModel) {
  std::vector<float> pe(count * dModel);
  for (int64_t d = 0; d < count; ++d)
    for (int64_t c = 0; c < dModel; c += 2) {
      double frequency = std::pow(10000.0, -double(c) / double(dModel));
      pe[d * dModel + c] = static_cast<float>(std::sin(d * frequency));
      if (c + 1 < dModel)
        pe[d * dModel + c + 1] = static_cast<float>(std::cos(d * frequency));
    }
  return pe;
}

namespace {

/// C (m x n, ldc) = alpha A (m x k, lda) op(B) + beta C, row-major.
void gemm(bool transB, int64_t m, int64_t n, int64_t k, const float *a,
          int64_t lda, const float *b, int64_t ldb, float beta, float *c,
          int64_t ldc, bool transA = false) {
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
              transB ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a, lda, b, ldb,
              beta, c, ldc);
}

/// q + bias for the T rows of one head (into a T x d_h buffer).
void addBias(float *out, const float *q, const float *bias, int64_t tokens,
             int64_t headSize, int64_t stride) {
  for (int64_t i = 0; i < tokens; ++i)
    for (int64_t c = 0; c < headSize; ++c)
      out[i * headSize + c] = q[i * stride + c] + bias[c];
}

/// dq (T rows, `stride` apart) += dpart (T x d_h), and the bias the query
/// was offset by gets the column sums.
void addQueryGrad(float *dq, float *dbias, const float *dpart, int64_t tokens,
                  int64_t headSize, int64_t stride) {
  for (int64_t i = 0; i < tokens; ++i)
    for (int64_t c = 0; c < headSize; ++c) {
      dq[i * stride + c] += dpart[i * headSize + c];
      dbias[c] += dpart[i * headSize + c];
    }
}

/// The index of dropout element (b, h, i, j) in its stream.
uint64_t dropIndex(const AttentionShape &s, int64_t b, int64_t h, int64_t i,
                   int64_t j) {
  return ((uint64_t(b) * s.heads + h) * s.tokens + i) * s.keys() + j;
}

} // namespace

void sieve::lm::attentionForward(float *out, const float *a,
                                 const float *positions,
                                 const AttentionWeights &w,
                                 const AttentionShape &s, double dropout,
                                 uint64_t seed, uint64_t stream,
                                 AttentionCache &cache) {
  const int64_t B = s.batch, T = s.tokens, M = s.memory, S = s.keys(),
                D = s.dModel, H = s.heads, dh = s.headSize, HD = s.width();
  cache.q.assign(B * T * HD, 0.0f);
  cache.k.assign(B * S * HD, 0.0f);
  cache.v.assign(B * S * HD, 0.0f);
  cache.r.assign(S * HD, 0.0f);
  cache.probs.assign(B * H * T * S, 0.0f);
  cache.heads.assign(B * T * HD, 0.0f);
  for (int64_t b = 0; b < B; ++b)
    linearForward(cache.q.data() + b * T * HD, a + (b * S + M) * D, w.wq,
                  nullptr, T, D, HD);
  linearForward(cache.k.data(), a, w.wk, nullptr, B * S, D, HD);
  linearForward(cache.v.data(), a, w.wv, nullptr, B * S, D, HD);
  linearForward(cache.r.data(), positions, w.wr, nullptr, S, D, HD);

  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  const float keep = static_cast<float>(1.0 - dropout);
  runtime::BernoulliDraw draw(seed, stream, 1.0 - dropout);
  // Every (stream, head) pair is independent.
  parallelChunks(B * H, [&](int64_t begin, int64_t end) {
    std::vector<float> qu(T * dh), qv(T * dh), ac(T * S), g(T * S), p(T * S);
    for (int64_t pair = begin; pair < end; ++pair) {
      const int64_t b = pair / H, h = pair % H;
      const float *q = cache.q.data() + b * T * HD + h * dh;
      const float *k = cache.k.data() + b * S * HD + h * dh;
      const float *v = cache.v.data() + b * S * HD + h * dh;
      const float *r = cache.r.data() + h * dh;
      addBias(qu.data(), q, w.u + h * dh, T, dh, HD);
      addBias(qv.data(), q, w.v + h * dh, T, dh, HD);
      gemm(true, T, S, dh, qu.data(), dh, k, HD, 0.0f, ac.data(), S);
      gemm(true, T, S, dh, qv.data(), dh, r, HD, 0.0f, g.data(), S);
      float *probs = cache.probs.data() + (b * H + h) * T * S;
      for (int64_t i = 0; i < T; ++i) {
        int64_t visible = i + M + 1; // keys 0 .. i + M
        float max = -std::numeric_limits<float>::infinity();
        for (int64_t j = 0; j < visible; ++j) {
          float score = (ac[i * S + j] + g[i * S + (i + M - j)]) * scale;
          probs[i * S + j] = score;
          max = std::max(max, score);
        }
        double sum = 0;
        for (int64_t j = 0; j < visible; ++j) {
          probs[i * S + j] = std::exp(probs[i * S + j] - max);
          sum += probs[i * S + j];
        }
        float inv = static_cast<float>(1.0 / sum);
        for (int64_t j = 0; j < S; ++j) {
          probs[i * S + j] = j < visible ? probs[i * S + j] * inv : 0.0f;
          bool kept = dropout <= 0.0 || draw.keep(dropIndex(s, b, h, i, j));
          p[i * S + j] = kept ? probs[i * S + j] / keep : 0.0f;
        }
      }
      gemm(false, T, dh, S, p.data(), S, v, HD, 0.0f,
           cache.heads.data() + b * T * HD + h * dh, HD);
    }
  });
  linearForward(out, cache.heads.data(), w.wo, nullptr, B * T, HD, D);
}

void sieve::lm::attentionBackward(float *da, const AttentionWeights &grads,
                                  const float *dout, const float *a,
                                  const float *positions,
                                  const AttentionWeights &w,
                                  const AttentionShape &s, double dropout,
                                  uint64_t seed, uint64_t stream,
                                  const AttentionCache &cache) {
  const int64_t B = s.batch, T = s.tokens, M = s.memory, S = s.keys(),
                D = s.dModel, H = s.heads, dh = s.headSize, HD = s.width();
  std::vector<float> dheads(B * T * HD, 0.0f);
  linearBackward(dheads.data(), grads.wo, nullptr, dout, cache.heads.data(),
                 w.wo, B * T, HD, D);

  std::vector<float> dq(B * T * HD, 0.0f), dk(B * S * HD, 0.0f),
      dv(B * S * HD, 0.0f), dr(S * HD, 0.0f);
  const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
  const float keep = static_cast<float>(1.0 - dropout);
  runtime::BernoulliDraw draw(seed, stream, 1.0 - dropout);
  // Heads are independent (the streams of a head share dR, du and dv, so
  // they stay on one thread, in order).
  parallelChunks(H, [&](int64_t begin, int64_t end) {
    std::vector<float> qu(T * dh), qv(T * dh), p(T * S), dp(T * S),
        dscore(T * S), dg(T * S), dqPart(T * dh);
    for (int64_t h = begin; h < end; ++h)
      for (int64_t b = 0; b < B; ++b) {
        const float *q = cache.q.data() + b * T * HD + h * dh;
        const float *k = cache.k.data() + b * S * HD + h * dh;
        const float *v = cache.v.data() + b * S * HD + h * dh;
        const float *r = cache.r.data() + h * dh;
        const float *probs = cache.probs.data() + (b * H + h) * T * S;
        const float *dO = dheads.data() + b * T * HD + h * dh;
        // The dropped-out probabilities, recomputed from the mask.
        for (int64_t i = 0; i < T; ++i)
          for (int64_t j = 0; j < S; ++j) {
            bool kept = dropout <= 0.0 || draw.keep(dropIndex(s, b, h, i, j));
            p[i * S + j] = kept ? probs[i * S + j] / keep : 0.0f;
          }
        // O = P' V: dP' = dO V^T, dV += P'^T dO.
        gemm(true, T, S, dh, dO, HD, v, HD, 0.0f, dp.data(), S);
        gemm(false, S, dh, T, p.data(), S, dO, HD, 1.0f,
             dv.data() + b * S * HD + h * dh, HD, /*transA=*/true);
        // Through dropout and the softmax, to scaled score gradients.
        for (int64_t i = 0; i < T; ++i) {
          double dot = 0;
          for (int64_t j = 0; j < S; ++j) {
            float dprob = dp[i * S + j];
            if (dropout > 0.0)
              dprob = draw.keep(dropIndex(s, b, h, i, j)) ? dprob / keep : 0.0f;
            dp[i * S + j] = dprob;
            dot += double(dprob) * probs[i * S + j];
          }
          std::fill(dg.begin() + i * S, dg.begin() + (i + 1) * S, 0.0f);
          for (int64_t j = 0; j < S; ++j) {
            float d = probs[i * S + j] *
                      (dp[i * S + j] - static_cast<float>(dot)) * scale;
            dscore[i * S + j] = j <= i + M ? d : 0.0f;
            if (j <= i + M)
              dg[i * S + (i + M - j)] += d;
          }
        }
        // AC = qu K^T: dqu = dAC K, dK += dAC^T qu; du += column sums of dqu.
        addBias(qu.data(), q, w.u + h * dh, T, dh, HD);
        addBias(qv.data(), q, w.v + h * dh, T, dh, HD);
        gemm(false, T, dh, S, dscore.data(), S, k, HD, 0.0f, dqPart.data(), dh);
        addQueryGrad(dq.data() + b * T * HD + h * dh, grads.u + h * dh,
                     dqPart.data(), T, dh, HD);
        gemm(false, S, dh, T, dscore.data(), S, qu.data(), dh, 1.0f,
             dk.data() + b * S * HD + h * dh, HD, /*transA=*/true);
        // G = qv R^T: dqv = dG R, dR += dG^T qv; dv_bias += column sums.
        gemm(false, T, dh, S, dg.data(), S, r, HD, 0.0f, dqPart.data(), dh);
        addQueryGrad(dq.data() + b * T * HD + h * dh, grads.v + h * dh,
                     dqPart.data(), T, dh, HD);
        gemm(false, S, dh, T, dg.data(), S, qv.data(), dh, 1.0f,
             dr.data() + h * dh, HD, /*transA=*/true);
      }
  });

  for (int64_t b = 0; b < B; ++b)
    linearBackward(da + (b * S + M) * D, grads.wq, nullptr,
                   dq.data() + b * T * HD, a + (b * S + M) * D, w.wq, T, D, HD);
  linearBackward(da, grads.wk, nullptr, dk.data(), a, w.wk, B * S, D, HD);
  linearBackward(da, grads.wv, nullptr, dv.data(), a, w.wv, B * S, D, HD);
  linearBackward(nullptr, grads.wr, nullptr, dr.data(), positions, w.wr, S, D,
                 HD);
}
