//===- HostDenseOps.cpp - the device operations as plain loops ------------===//

#include "models/lm/Device/HostDenseOps.h"

#include "runtime/Core/Error.h"
#include "runtime/Core/Tensor.h"
#include "runtime/Random/CounterRandom.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

using namespace sieve;
using namespace sieve::lm::device;
using runtime::DType;

namespace {

class HostBuffer final : public Buffer {
public:
  HostBuffer(DType dtype, int64_t count)
      : Buffer(dtype, count), tensor(dtype, {count}) {}
  Address address() const override {
    return reinterpret_cast<Address>(tensor.raw());
  }

private:
  runtime::Tensor tensor;
};

template <typename T> T *at(Address address) {
  return reinterpret_cast<T *>(address);
}
float *f32(Address address) { return at<float>(address); }
const int32_t *i32(Address address) { return at<const int32_t>(address); }

/// Element i of a float tensor of type `dtype` at `base`, as f32.
float load(Address base, DType dtype, int64_t i) {
  if (dtype == DType::F32)
    return f32(base)[i];
  return runtime::fromHalfBits(at<uint16_t>(base)[i], dtype);
}
void store(Address base, DType dtype, int64_t i, float value) {
  if (dtype == DType::F32)
    f32(base)[i] = value;
  else
    at<uint16_t>(base)[i] = runtime::toHalfBits(value, dtype);
}

} // namespace

std::unique_ptr<Buffer> HostDenseOps::allocate(DType dtype, int64_t count) {
  return std::make_unique<HostBuffer>(dtype, count);
}

void HostDenseOps::copyIn(Address to, const void *from, size_t bytes) {
  std::memcpy(at<void>(to), from, bytes);
}

void HostDenseOps::copyOut(void *to, Address from, size_t bytes) {
  std::memcpy(to, at<void>(from), bytes);
}

void HostDenseOps::copy(Address to, Address from, size_t bytes) {
  std::memmove(at<void>(to), at<void>(from), bytes);
}

void HostDenseOps::zero(Address to, size_t bytes) {
  std::memset(at<void>(to), 0, bytes);
}

void HostDenseOps::gemm(const RowMajorGemm &g, DType input, DType output,
                        Address a, Address b, Address c, float beta) {
  const int64_t lda = g.lda ? g.lda : g.transposeA ? g.m : g.k;
  const int64_t ldb = g.ldb ? g.ldb : g.transposeB ? g.k : g.n;
  const int64_t ldc = g.ldc ? g.ldc : g.n;
  for (int64_t p = 0; p < g.batch; ++p) {
    const int64_t oa = p * g.strideA, ob = p * g.strideB, oc = p * g.strideC;
    for (int64_t i = 0; i < g.m; ++i)
      for (int64_t j = 0; j < g.n; ++j) {
        double sum = 0;
        for (int64_t l = 0; l < g.k; ++l)
          sum +=
              double(load(a, input,
                          oa + (g.transposeA ? l * lda + i : i * lda + l))) *
              load(b, input, ob + (g.transposeB ? j * ldb + l : l * ldb + j));
        const int64_t e = oc + i * ldc + j;
        store(c, output, e,
              float(sum + (beta != 0.0f ? beta * load(c, output, e) : 0.0)));
      }
  }
}

void HostDenseOps::add(Address y, Address x, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    f32(y)[i] += f32(x)[i];
}

void HostDenseOps::broadcastRows(Address out, Address bias, int64_t n,
                                 int64_t m) {
  for (int64_t e = 0; e < n * m; ++e)
    f32(out)[e] = f32(bias)[e % m];
}

void HostDenseOps::toBf16(Address out, Address in, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    store(out, DType::BF16, i, f32(in)[i]);
}

void HostDenseOps::fromBf16(Address out, Address in, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    f32(out)[i] = load(in, DType::BF16, i);
}

void HostDenseOps::accumulateBf16(Address out, Address in, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    f32(out)[i] += load(in, DType::BF16, i);
}

void HostDenseOps::dropoutForward(Address out, Address x, int64_t n, double p,
                                  uint64_t seed, uint64_t stream) {
  runtime::BernoulliDraw draw(seed, stream, 1.0 - std::max(p, 0.0));
  const float scale = p > 0 ? float(1.0 / (1.0 - p)) : 1.0f;
  for (int64_t i = 0; i < n; ++i)
    f32(out)[i] = draw.keep(i) ? f32(x)[i] * scale : 0.0f;
}

void HostDenseOps::dropoutBackward(Address dx, Address dout, int64_t n,
                                   double p, uint64_t seed, uint64_t stream) {
  runtime::BernoulliDraw draw(seed, stream, 1.0 - std::max(p, 0.0));
  const float scale = p > 0 ? float(1.0 / (1.0 - p)) : 1.0f;
  for (int64_t i = 0; i < n; ++i)
    if (draw.keep(i))
      f32(dx)[i] += f32(dout)[i] * scale;
}

void HostDenseOps::embeddingForward(Address out, Address tokens, Address table,
                                    int64_t n, int64_t c) {
  for (int64_t e = 0; e < n * c; ++e)
    f32(out)[e] = f32(table)[int64_t(i32(tokens)[e / c]) * c + e % c];
}

void HostDenseOps::embeddingBackward(Address dtable, Address dout,
                                     const TokenGroups &groups, int64_t c) {
  for (size_t r = 0; r < groups.ids.size(); ++r)
    for (int64_t j = 0; j < c; ++j) {
      float sum = 0.0f;
      for (int32_t p = groups.starts[r]; p < groups.starts[r + 1]; ++p)
        sum += f32(dout)[int64_t(groups.positions[p]) * c + j];
      f32(dtable)[int64_t(groups.ids[r]) * c + j] += sum;
    }
}

void HostDenseOps::addColumnSums(Address out, Address in, int64_t n,
                                 int64_t m) {
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j)
      f32(out)[j] += f32(in)[i * m + j];
}

void HostDenseOps::layerNormForward(Address out, Address mean, Address rstd,
                                    Address x, Address g, Address b, int64_t n,
                                    int64_t c) {
  for (int64_t i = 0; i < n; ++i) {
    const float *row = f32(x) + i * c;
    double sum = 0, var = 0;
    for (int64_t j = 0; j < c; ++j)
      sum += row[j];
    const float mu = float(sum / c);
    for (int64_t j = 0; j < c; ++j)
      var += double(row[j] - mu) * (row[j] - mu);
    const float inv = 1.0f / std::sqrt(float(var / c) + 1e-5f);
    for (int64_t j = 0; j < c; ++j)
      f32(out)[i * c + j] = (row[j] - mu) * inv * f32(g)[j] + f32(b)[j];
    f32(mean)[i] = mu;
    f32(rstd)[i] = inv;
  }
}

void HostDenseOps::layerNormBackward(Address dx, Address dg, Address db,
                                     Address dout, Address x, Address mean,
                                     Address rstd, Address g, int64_t n,
                                     int64_t c) {
  for (int64_t i = 0; i < n; ++i) {
    const float *row = f32(x) + i * c, *drow = f32(dout) + i * c;
    const float mu = f32(mean)[i], inv = f32(rstd)[i];
    double meanD = 0, meanDX = 0;
    for (int64_t j = 0; j < c; ++j) {
      const float xhat = (row[j] - mu) * inv, dxhat = drow[j] * f32(g)[j];
      meanD += dxhat;
      meanDX += double(dxhat) * xhat;
      f32(dg)[j] += drow[j] * xhat;
      f32(db)[j] += drow[j];
    }
    meanD /= c;
    meanDX /= c;
    for (int64_t j = 0; j < c; ++j) {
      const float xhat = (row[j] - mu) * inv, dxhat = drow[j] * f32(g)[j];
      f32(dx)[i * c + j] += inv * (dxhat - float(meanD) - xhat * float(meanDX));
    }
  }
}

double HostDenseOps::crossEntropyForward(Address probs, Address logits,
                                         Address targets, int64_t n,
                                         int64_t vocab) {
  double loss = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float *row = f32(logits) + i * vocab;
    float *p = f32(probs) + i * vocab;
    const float max = *std::max_element(row, row + vocab);
    double sum = 0;
    for (int64_t j = 0; j < vocab; ++j) {
      p[j] = std::exp(row[j] - max);
      sum += p[j];
    }
    const float inv = float(1.0 / sum);
    for (int64_t j = 0; j < vocab; ++j)
      p[j] *= inv;
    loss += std::log(sum) + max - row[i32(targets)[i]];
  }
  return loss;
}

void HostDenseOps::crossEntropyBackward(Address dlogits, Address probs,
                                        Address targets, int64_t n,
                                        int64_t vocab, float scale) {
  for (int64_t e = 0; e < n * vocab; ++e)
    f32(dlogits)[e] = scale * f32(probs)[e] -
                      (e % vocab == i32(targets)[e / vocab] ? scale : 0.0f);
}

void HostDenseOps::splitHeads(Address out, Address in, int64_t heads,
                              int64_t batch, int64_t rows, int64_t headSize,
                              int64_t first, int64_t inRows) {
  const int64_t width = heads * headSize;
  for (int64_t h = 0, e = 0; h < heads; ++h)
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t k = 0; k < headSize; ++k, ++e)
          f32(out)[e] =
              f32(in)[(b * inRows + first + i) * width + h * headSize + k];
}

void HostDenseOps::mergeHeads(Address out, Address in, int64_t heads,
                              int64_t batch, int64_t rows, int64_t headSize) {
  const int64_t width = heads * headSize;
  for (int64_t h = 0, e = 0; h < heads; ++h)
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t k = 0; k < headSize; ++k, ++e)
          f32(out)[(b * rows + i) * width + h * headSize + k] = f32(in)[e];
}

void HostDenseOps::headBias(Address qu, Address qv, Address q, Address u,
                            Address v, int64_t heads, int64_t batch,
                            int64_t tokens, int64_t headSize) {
  const int64_t perHead = batch * tokens * headSize;
  for (int64_t e = 0; e < heads * perHead; ++e) {
    const int64_t bias = (e / perHead) * headSize + e % headSize;
    f32(qu)[e] = f32(q)[e] + f32(u)[bias];
    f32(qv)[e] = f32(q)[e] + f32(v)[bias];
  }
}

void HostDenseOps::headBiasGrad(Address du, Address dq, int64_t heads,
                                int64_t batchTokens, int64_t headSize) {
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t c = 0; c < headSize; ++c) {
      float sum = 0.0f;
      for (int64_t r = 0; r < batchTokens; ++r)
        sum += f32(dq)[(h * batchTokens + r) * headSize + c];
      f32(du)[h * headSize + c] += sum;
    }
}

void HostDenseOps::attentionSoftmax(Address probs, Address dropped, Address ac,
                                    Address g, const AttentionRows &s) {
  const int64_t S = s.keys, M = s.memory, T = s.tokens;
  runtime::BernoulliDraw draw(s.seed, s.stream, 1.0 - std::max(s.dropout, 0.0));
  const float keep = float(1.0 - std::max(s.dropout, 0.0));
  for (int64_t row = 0; row < s.heads * s.batch * T; ++row) {
    const int64_t i = row % T, b = (row / T) % s.batch, h = row / (T * s.batch);
    const uint64_t base = ((uint64_t(b) * s.heads + h) * T + i) * S;
    const int64_t visible = i + M + 1;
    float *p = f32(probs) + row * S;
    const float *acRow = f32(ac) + row * S, *gRow = f32(g) + row * S;
    float max = -std::numeric_limits<float>::infinity();
    for (int64_t j = 0; j < visible; ++j) {
      p[j] = (acRow[j] + gRow[i + M - j]) * s.scale;
      max = std::max(max, p[j]);
    }
    double sum = 0;
    for (int64_t j = 0; j < visible; ++j) {
      p[j] = std::exp(p[j] - max);
      sum += p[j];
    }
    const float inv = float(1.0 / sum);
    for (int64_t j = 0; j < S; ++j) {
      p[j] = j < visible ? p[j] * inv : 0.0f;
      f32(dropped)[row * S + j] = draw.keep(base + j) ? p[j] / keep : 0.0f;
    }
  }
}

void HostDenseOps::attentionSoftmaxBackward(Address dscore, Address dg,
                                            Address dp, Address probs,
                                            const AttentionRows &s) {
  const int64_t S = s.keys, M = s.memory, T = s.tokens;
  runtime::BernoulliDraw draw(s.seed, s.stream, 1.0 - std::max(s.dropout, 0.0));
  const float keep = float(1.0 - std::max(s.dropout, 0.0));
  std::vector<float> dprob(S);
  for (int64_t row = 0; row < s.heads * s.batch * T; ++row) {
    const int64_t i = row % T, b = (row / T) % s.batch, h = row / (T * s.batch);
    const uint64_t base = ((uint64_t(b) * s.heads + h) * T + i) * S;
    const float *p = f32(probs) + row * S;
    double dot = 0;
    for (int64_t j = 0; j < S; ++j) {
      dprob[j] = draw.keep(base + j) ? f32(dp)[row * S + j] / keep : 0.0f;
      dot += double(dprob[j]) * p[j];
    }
    for (int64_t j = 0; j < S; ++j) {
      const float d = j <= i + M ? p[j] * (dprob[j] - float(dot)) * s.scale : 0;
      f32(dscore)[row * S + j] = d;
      f32(dg)[row * S + (j <= i + M ? i + M - j : j)] = d;
    }
  }
}

double HostDenseOps::sumSquares(Address g, int64_t n) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i)
    sum += double(f32(g)[i]) * f32(g)[i];
  return sum;
}

void HostDenseOps::callBundle(const runtime::Bundle &bundle,
                              const std::string &function,
                              const std::vector<runtime::TensorView> &inputs,
                              const std::vector<int64_t> &scalars,
                              const std::vector<runtime::TensorView> &outputs) {
  executor_.callViews(bundle, function, inputs, scalars, outputs);
}

void HostDenseOps::adam(Address w, Address m, Address v, Address g, int64_t n,
                        float gradScale, float lr, float beta1, float beta2,
                        float epsilon, float correction1, float correction2) {
  for (int64_t i = 0; i < n; ++i) {
    const float grad = f32(g)[i] * gradScale;
    f32(m)[i] = beta1 * f32(m)[i] + (1.0f - beta1) * grad;
    f32(v)[i] = beta2 * f32(v)[i] + (1.0f - beta2) * grad * grad;
    const float mhat = f32(m)[i] / correction1, vhat = f32(v)[i] / correction2;
    f32(w)[i] -= lr * mhat / (std::sqrt(vhat) + epsilon);
  }
}
