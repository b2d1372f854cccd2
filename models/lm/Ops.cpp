//===- Ops.cpp - the dense layers of the language model -------------------===//

#include "models/lm/Ops.h"

#include "models/lm/Parallel.h"
#include "runtime/Random/CounterRandom.h"

#include <cblas.h>

#include <cmath>
#include <cstring>

using namespace sieve;
using namespace sieve::lm;

void sieve::lm::keepBlasOnCallingThread() { openblas_set_num_threads(1); }

void sieve::lm::linearForward(float *out, const float *in, const float *w,
                              const float *bias, int64_t n, int64_t k,
                              int64_t m, bool accumulate) {
  float beta = 0.0f;
  if (accumulate) {
    beta = 1.0f;
  } else if (bias) {
    for (int64_t i = 0; i < n; ++i)
      std::memcpy(out + i * m, bias, m * sizeof(float));
    beta = 1.0f;
  }
  if (accumulate && bias)
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < m; ++j)
        out[i * m + j] += bias[j];
  // Rows split over the cores (OpenBLAS itself stays on one thread).
  parallelChunks(n, [&](int64_t begin, int64_t end) {
    if (end > begin)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, end - begin, m, k,
                  1.0f, in + begin * k, k, w, m, beta, out + begin * m, m);
  });
}

void sieve::lm::linearBackward(float *din, float *dw, float *dbias,
                               const float *dout, const float *in,
                               const float *w, int64_t n, int64_t k,
                               int64_t m) {
  // din by rows, dw by columns: every core sums whole dot products.
  parallelChunks(n, [&](int64_t begin, int64_t end) {
    if (din && end > begin)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, end - begin, k, m,
                  1.0f, dout + begin * m, m, w, m, 1.0f, din + begin * k, k);
  });
  parallelChunks(m, [&](int64_t begin, int64_t end) {
    if (end > begin)
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, end - begin, n,
                  1.0f, in, k, dout + begin, m, 1.0f, dw + begin, m);
  });
  if (dbias)
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < m; ++j)
        dbias[j] += dout[i * m + j];
}

void sieve::lm::layerNormForward(float *out, float *mean, float *rstd,
                                 const float *x, const float *g, const float *b,
                                 int64_t n, int64_t c) {
  const float eps = 1e-5f;
  parallelChunks(n, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const float *row = x + i * c;
      double sum = 0;
      for (int64_t j = 0; j < c; ++j)
        sum += row[j];
      float mu = static_cast<float>(sum / c);
      double var = 0;
      for (int64_t j = 0; j < c; ++j)
        var += double(row[j] - mu) * (row[j] - mu);
      float inv = 1.0f / std::sqrt(static_cast<float>(var / c) + eps);
      for (int64_t j = 0; j < c; ++j)
        out[i * c + j] = (row[j] - mu) * inv * g[j] + b[j];
      mean[i] = mu;
      rstd[i] = inv;
    }
  });
}

void sieve::lm::layerNormBackward(float *dx, float *dg, float *db,
                                  const float *dout, const float *x,
                                  const float *mean, const float *rstd,
                                  const float *g, int64_t n, int64_t c) {
  for (int64_t i = 0; i < n; ++i) {
    const float *row = x + i * c, *drow = dout + i * c;
    // With xhat = (x - mean) rstd and dxhat = dout g:
    // dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)).
    double meanD = 0, meanDX = 0;
    for (int64_t j = 0; j < c; ++j) {
      float xhat = (row[j] - mean[i]) * rstd[i];
      float dxhat = drow[j] * g[j];
      meanD += dxhat;
      meanDX += double(dxhat) * xhat;
      dg[j] += drow[j] * xhat;
      db[j] += drow[j];
    }
    meanD /= c;
    meanDX /= c;
    for (int64_t j = 0; j < c; ++j) {
      float xhat = (row[j] - mean[i]) * rstd[i];
      float dxhat = drow[j] * g[j];
      dx[i * c + j] += rstd[i] * (dxhat - static_cast<float>(meanD) -
                                  xhat * static_cast<float>(meanDX));
    }
  }
}

void sieve::lm::embeddingForward(float *out, const int32_t *tokens,
                                 const float *table, int64_t n, int64_t c) {
  for (int64_t i = 0; i < n; ++i)
    std::memcpy(out + i * c, table + int64_t(tokens[i]) * c, c * sizeof(float));
}

void sieve::lm::embeddingBackward(float *dtable, const float *dout,
                                  const int32_t *tokens, int64_t n, int64_t c) {
  for (int64_t i = 0; i < n; ++i)
    addInPlace(dtable + int64_t(tokens[i]) * c, dout + i * c, c);
}

void sieve::lm::dropoutForward(float *out, const float *x, int64_t n, double p,
                               uint64_t seed, uint64_t stream) {
  if (p <= 0.0) {
    if (out != x)
      std::memcpy(out, x, n * sizeof(float));
    return;
  }
  float scale = static_cast<float>(1.0 / (1.0 - p));
  runtime::BernoulliDraw draw(seed, stream, 1.0 - p);
  for (int64_t i = 0; i < n; ++i)
    out[i] = draw.keep(i) ? x[i] * scale : 0.0f;
}

void sieve::lm::dropoutBackward(float *dx, const float *dout, int64_t n,
                                double p, uint64_t seed, uint64_t stream) {
  if (p <= 0.0) {
    addInPlace(dx, dout, n);
    return;
  }
  float scale = static_cast<float>(1.0 / (1.0 - p));
  runtime::BernoulliDraw draw(seed, stream, 1.0 - p);
  for (int64_t i = 0; i < n; ++i)
    if (draw.keep(i))
      dx[i] += dout[i] * scale;
}

double sieve::lm::crossEntropyForward(float *probs, const float *logits,
                                      const int32_t *targets, int64_t n,
                                      int64_t vocab) {
  double loss = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float *row = logits + i * vocab;
    float max = row[0];
    for (int64_t j = 1; j < vocab; ++j)
      max = std::max(max, row[j]);
    double sum = 0;
    for (int64_t j = 0; j < vocab; ++j) {
      float e = std::exp(row[j] - max);
      probs[i * vocab + j] = e;
      sum += e;
    }
    float inv = static_cast<float>(1.0 / sum);
    for (int64_t j = 0; j < vocab; ++j)
      probs[i * vocab + j] *= inv;
    loss += std::log(sum) + max - row[targets[i]];
  }
  return loss;
}

void sieve::lm::crossEntropyBackward(float *dlogits, const float *probs,
                                     const int32_t *targets, int64_t n,
                                     int64_t vocab, float scale) {
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < vocab; ++j)
      dlogits[i * vocab + j] += scale * probs[i * vocab + j];
    dlogits[i * vocab + targets[i]] -= scale;
  }
}

void sieve::lm::addInPlace(float *y, const float *x, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    y[i] += x[i];
}
