// The language model's dense layers on the GPU, besides cuBLAS's GEMMs:
// the same operations as models/lm/Ops.cpp and RelativeAttention.cpp, in
// CUDA C++ compiled at run time by NVRTC (DenseKernels.cpp embeds this
// file). Every sum is in a fixed order, so a step computes the same bits
// on every run: row reductions are one block per row, column sums go
// through per-chunk partials added in chunk order, and no float atomics.
//
// Layouts: activations are row-major (tokens x width). Attention keeps
// per-head tensors head-major, (H, B, rows, d_h), so each of its products
// is one strided-batched GEMM over the H x B (head, stream) pairs.

#include <cuda_bf16.h>

typedef long long i64;
typedef unsigned long long u64;

// NVRTC has no <cmath>: infinity from its bits.
#define kInfinity __int_as_float(0x7f800000)

#define SIEVE_FOR_EACH(i, n)                                                   \
  for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < (n);            \
       i += (i64)gridDim.x * blockDim.x)

// sieve.bernoulli_mask's draw (runtime/Random/CounterRandom.h): SplitMix64
// over a Weyl sequence of (seed, stream, index); kept when the top 24 bits
// are below round(keep * 2^24).
__device__ __forceinline__ u64 counterBits(u64 seed, u64 stream, u64 index) {
  u64 z = seed + 0x9E3779B97F4A7C15ull * (index + 1) +
          0xD1B54A32D192ED03ull * stream;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

__device__ __forceinline__ bool kept(u64 seed, u64 stream, u64 index,
                                     unsigned threshold) {
  return (counterBits(seed, stream, index) >> 40) < threshold;
}

struct Sum {
  __device__ float operator()(float a, float b) const { return a + b; }
};
struct Max {
  __device__ float operator()(float a, float b) const { return fmaxf(a, b); }
};

// Block-wide reductions (blockDim.x a multiple of 32, at most 1024); every
// thread gets the result, the same bits in every thread and every run (a
// butterfly within warps, then across the warps' results). `scratch`
// holds 32 floats.
template <typename Op>
__device__ float blockReduce(float value, float *scratch, float identity,
                             Op op) {
  for (int offset = 16; offset > 0; offset >>= 1)
    value = op(value, __shfl_xor_sync(0xffffffffu, value, offset));
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  __syncthreads(); // scratch may still be read by a previous reduction
  if (lane == 0)
    scratch[warp] = value;
  __syncthreads();
  const int warps = blockDim.x / 32;
  value = lane < warps ? scratch[lane] : identity;
  for (int offset = 16; offset > 0; offset >>= 1)
    value = op(value, __shfl_xor_sync(0xffffffffu, value, offset));
  return value;
}

__device__ float blockSum(float value, float *scratch) {
  return blockReduce(value, scratch, 0.0f, Sum());
}

__device__ float blockMax(float value, float *scratch) {
  return blockReduce(value, scratch, -kInfinity, Max());
}

// ---- Elementwise ----------------------------------------------------------

extern "C" __global__ void sieve_lm_add(float *y, const float *x, i64 n) {
  SIEVE_FOR_EACH(i, n) y[i] += x[i];
}

// out[i, j] = bias[j]: the start of a projection with a bias (the GEMM
// then accumulates).
extern "C" __global__ void
sieve_lm_broadcast_rows(float *out, const float *bias, i64 n, i64 m) {
  SIEVE_FOR_EACH(e, n * m) out[e] = bias[e % m];
}

extern "C" __global__ void sieve_lm_to_bf16(__nv_bfloat16 *out, const float *in,
                                            i64 n) {
  SIEVE_FOR_EACH(i, n) out[i] = __float2bfloat16_rn(in[i]);
}

extern "C" __global__ void sieve_lm_from_bf16(float *out,
                                              const __nv_bfloat16 *in, i64 n) {
  SIEVE_FOR_EACH(i, n) out[i] = __bfloat162float(in[i]);
}

// out += in: a bf16 kernel's weight gradient into the f32 master's.
extern "C" __global__ void
sieve_lm_accumulate_bf16(float *out, const __nv_bfloat16 *in, i64 n) {
  SIEVE_FOR_EACH(i, n) out[i] += __bfloat162float(in[i]);
}

// Inverted dropout: out = kept ? x * scale : 0 (threshold 2^24 keeps all).
extern "C" __global__ void sieve_lm_dropout_forward(float *out, const float *x,
                                                    i64 n, unsigned threshold,
                                                    float scale, u64 seed,
                                                    u64 stream) {
  SIEVE_FOR_EACH(i, n)
  out[i] = kept(seed, stream, i, threshold) ? x[i] * scale : 0.0f;
}

// dx += the same mask applied to dout.
extern "C" __global__ void sieve_lm_dropout_backward(float *dx,
                                                     const float *dout, i64 n,
                                                     unsigned threshold,
                                                     float scale, u64 seed,
                                                     u64 stream) {
  SIEVE_FOR_EACH(i, n)
  if (kept(seed, stream, i, threshold))
    dx[i] += dout[i] * scale;
}

// ---- Embedding -------------------------------------------------------------

extern "C" __global__ void sieve_lm_embedding_forward(float *out,
                                                      const int *tokens,
                                                      const float *table, i64 n,
                                                      i64 c) {
  SIEVE_FOR_EACH(e, n * c) out[e] = table[(i64)tokens[e / c] * c + e % c];
}

// The rows of `ids` (distinct tokens) gain the sum of their positions'
// gradients, in position order: positions[starts[r] .. starts[r + 1]) are
// where ids[r] occurs (grouped on the host, which has the tokens).
extern "C" __global__ void
sieve_lm_embedding_backward(float *dtable, const float *dout,
                            const int *positions, const int *starts,
                            const int *ids, i64 distinct, i64 c) {
  SIEVE_FOR_EACH(e, distinct * c) {
    const i64 r = e / c, j = e % c;
    float sum = 0.0f;
    for (int p = starts[r]; p < starts[r + 1]; ++p)
      sum += dout[(i64)positions[p] * c + j];
    dtable[(i64)ids[r] * c + j] += sum;
  }
}

// ---- Column sums in chunks
// ---------------------------------------------------

// partial[chunk, j] = sum of in[i, j] over the chunk's rows (grid.x chunks
// of `rowsPerChunk` rows); sieve_lm_add_chunks adds them up in order.
extern "C" __global__ void sieve_lm_column_partials(float *partial,
                                                    const float *in, i64 n,
                                                    i64 m, i64 rowsPerChunk) {
  const i64 chunk = blockIdx.x;
  const i64 begin = chunk * rowsPerChunk;
  const i64 end = min(n, begin + rowsPerChunk);
  for (i64 j = threadIdx.x; j < m; j += blockDim.x) {
    float sum = 0.0f;
    for (i64 i = begin; i < end; ++i)
      sum += in[i * m + j];
    partial[chunk * m + j] = sum;
  }
}

// out[j] += sum over chunks of partial[chunk, j], chunk by chunk.
extern "C" __global__ void sieve_lm_add_chunks(float *out, const float *partial,
                                               i64 chunks, i64 m) {
  SIEVE_FOR_EACH(j, m) {
    float sum = 0.0f;
    for (i64 chunk = 0; chunk < chunks; ++chunk)
      sum += partial[chunk * m + j];
    out[j] += sum;
  }
}

// ---- Layer norm ------------------------------------------------------------

// One block per row: out = (x - mean) rstd g + b, rstd = 1/sqrt(var + 1e-5).
extern "C" __global__ void sieve_lm_layer_norm_forward(float *out, float *mean,
                                                       float *rstd,
                                                       const float *x,
                                                       const float *g,
                                                       const float *b, i64 c) {
  __shared__ float scratch[32];
  const i64 row = blockIdx.x;
  const float *in = x + row * c;
  float sum = 0.0f;
  for (i64 j = threadIdx.x; j < c; j += blockDim.x)
    sum += in[j];
  const float mu = blockSum(sum, scratch) / (float)c;
  float squares = 0.0f;
  for (i64 j = threadIdx.x; j < c; j += blockDim.x)
    squares += (in[j] - mu) * (in[j] - mu);
  const float inv = rsqrtf(blockSum(squares, scratch) / (float)c + 1e-5f);
  for (i64 j = threadIdx.x; j < c; j += blockDim.x)
    out[row * c + j] = (in[j] - mu) * inv * g[j] + b[j];
  if (threadIdx.x == 0) {
    mean[row] = mu;
    rstd[row] = inv;
  }
}

// One block per row: dx += rstd (dxhat - mean(dxhat) - xhat mean(dxhat
// xhat)), dxhat = dout g; and dgb[row] = (dout xhat, dout) for the
// parameters' column sums (2 x c per row: the gain's then the bias's).
extern "C" __global__ void sieve_lm_layer_norm_backward(
    float *dx, float *dgRows, float *dbRows, const float *dout, const float *x,
    const float *mean, const float *rstd, const float *g, i64 c) {
  __shared__ float scratch[32];
  const i64 row = blockIdx.x;
  const float mu = mean[row], inv = rstd[row];
  float sumD = 0.0f, sumDX = 0.0f;
  for (i64 j = threadIdx.x; j < c; j += blockDim.x) {
    const float xhat = (x[row * c + j] - mu) * inv;
    const float d = dout[row * c + j];
    const float dxhat = d * g[j];
    sumD += dxhat;
    sumDX += dxhat * xhat;
    dgRows[row * c + j] = d * xhat;
    dbRows[row * c + j] = d;
  }
  const float meanD = blockSum(sumD, scratch) / (float)c;
  const float meanDX = blockSum(sumDX, scratch) / (float)c;
  for (i64 j = threadIdx.x; j < c; j += blockDim.x) {
    const float xhat = (x[row * c + j] - mu) * inv;
    const float dxhat = dout[row * c + j] * g[j];
    dx[row * c + j] += inv * (dxhat - meanD - xhat * meanDX);
  }
}

// ---- Cross-entropy ---------------------------------------------------------

// One block per row: probs = softmax(logits), rowLoss = log(sum exp) + max
// - logits[target] (the host adds the rows up in double).
extern "C" __global__ void sieve_lm_cross_entropy_forward(float *probs,
                                                          float *rowLoss,
                                                          const float *logits,
                                                          const int *targets,
                                                          i64 vocab) {
  __shared__ float scratch[32];
  const i64 row = blockIdx.x;
  const float *in = logits + row * vocab;
  float max = -kInfinity;
  for (i64 j = threadIdx.x; j < vocab; j += blockDim.x)
    max = fmaxf(max, in[j]);
  max = blockMax(max, scratch);
  float sum = 0.0f;
  for (i64 j = threadIdx.x; j < vocab; j += blockDim.x) {
    const float e = expf(in[j] - max);
    probs[row * vocab + j] = e;
    sum += e;
  }
  sum = blockSum(sum, scratch);
  const float inv = 1.0f / sum;
  for (i64 j = threadIdx.x; j < vocab; j += blockDim.x)
    probs[row * vocab + j] *= inv;
  if (threadIdx.x == 0)
    rowLoss[row] = logf(sum) + max - in[targets[row]];
}

// dlogits = scale (probs - onehot(targets)).
extern "C" __global__ void sieve_lm_cross_entropy_backward(float *dlogits,
                                                           const float *probs,
                                                           const int *targets,
                                                           i64 n, i64 vocab,
                                                           float scale) {
  SIEVE_FOR_EACH(e, n * vocab) {
    const i64 i = e / vocab, j = e % vocab;
    dlogits[e] = scale * probs[e] - (j == targets[i] ? scale : 0.0f);
  }
}

// ---- Attention -------------------------------------------------------------

// out (H, B, rows, d_h) = rows [first, first + rows) of each stream's
// in (B, inRows, H d_h).
extern "C" __global__ void sieve_lm_split_heads(float *out, const float *in,
                                                i64 H, i64 B, i64 rows, i64 dh,
                                                i64 first, i64 inRows) {
  SIEVE_FOR_EACH(e, H * B * rows * dh) {
    const i64 c = e % dh, i = (e / dh) % rows, b = (e / (dh * rows)) % B,
              h = e / (dh * rows * B);
    out[e] = in[(b * inRows + first + i) * (H * dh) + h * dh + c];
  }
}

// out (B, rows, H d_h) = in (H, B, rows, d_h), the inverse of split.
extern "C" __global__ void sieve_lm_merge_heads(float *out, const float *in,
                                                i64 H, i64 B, i64 rows,
                                                i64 dh) {
  SIEVE_FOR_EACH(e, H * B * rows * dh) {
    const i64 c = e % dh, i = (e / dh) % rows, b = (e / (dh * rows)) % B,
              h = e / (dh * rows * B);
    out[(b * rows + i) * (H * dh) + h * dh + c] = in[e];
  }
}

// qu = q + u[h], qv = q + v[h] for q (H, B, T, d_h).
extern "C" __global__ void sieve_lm_head_bias(float *qu, float *qv,
                                              const float *q, const float *u,
                                              const float *v, i64 H, i64 B,
                                              i64 T, i64 dh) {
  SIEVE_FOR_EACH(e, H * B * T * dh) {
    const i64 c = e % dh, h = e / (dh * T * B);
    qu[e] = q[e] + u[h * dh + c];
    qv[e] = q[e] + v[h * dh + c];
  }
}

// du[h, c] += sum over (b, i) of dq[h, b, i, c], in (b, i) order.
extern "C" __global__ void sieve_lm_head_bias_grad(float *du, const float *dq,
                                                   i64 H, i64 BT, i64 dh) {
  SIEVE_FOR_EACH(e, H * dh) {
    const i64 h = e / dh, c = e % dh;
    float sum = 0.0f;
    for (i64 r = 0; r < BT; ++r)
      sum += dq[(h * BT + r) * dh + c];
    du[e] += sum;
  }
}

// One block per score row (h, b, i) of AC and G (H, B, T, S):
// score_j = (AC[i, j] + G[i, i + M - j]) scale for keys j <= i + M,
// probs = softmax over them (0 beyond), dropped = probs with attention
// dropout (index ((b H + h) T + i) S + j, as the host's).
extern "C" __global__ void
sieve_lm_attention_softmax(float *probs, float *dropped, const float *ac,
                           const float *g, i64 H, i64 B, i64 T, i64 S, i64 M,
                           float scale, unsigned threshold, float keepScale,
                           u64 seed, u64 stream) {
  __shared__ float scratch[32];
  const i64 row = blockIdx.x;
  const i64 i = row % T, b = (row / T) % B, h = row / (T * B);
  const i64 visible = i + M + 1;
  const float *acRow = ac + row * S, *gRow = g + row * S;
  float *p = probs + row * S;
  float max = -kInfinity;
  for (i64 j = threadIdx.x; j < visible; j += blockDim.x) {
    const float score = (acRow[j] + gRow[i + M - j]) * scale;
    p[j] = score;
    max = fmaxf(max, score);
  }
  max = blockMax(max, scratch);
  float sum = 0.0f;
  for (i64 j = threadIdx.x; j < visible; j += blockDim.x) {
    p[j] = expf(p[j] - max);
    sum += p[j];
  }
  const float inv = 1.0f / blockSum(sum, scratch);
  const u64 base = ((u64)(b * H + h) * T + i) * S;
  for (i64 j = threadIdx.x; j < S; j += blockDim.x) {
    const float value = j < visible ? p[j] * inv : 0.0f;
    p[j] = value;
    dropped[row * S + j] =
        kept(seed, stream, base + j, threshold) ? value * keepScale : 0.0f;
  }
}

// One block per score row: from dp = dO V^T (the gradient of the dropped
// probabilities) to dscore (AC's gradient) and dg (G's, in distance
// coordinates: dg[i, i + M - j] = dscore[i, j] for j <= i + M, 0 for the
// distances no key of row i has).
extern "C" __global__ void sieve_lm_attention_softmax_backward(
    float *dscore, float *dg, const float *dp, const float *probs, i64 H, i64 B,
    i64 T, i64 S, i64 M, float scale, unsigned threshold, float keepScale,
    u64 seed, u64 stream) {
  __shared__ float scratch[32];
  const i64 row = blockIdx.x;
  const i64 i = row % T, b = (row / T) % B, h = row / (T * B);
  const u64 base = ((u64)(b * H + h) * T + i) * S;
  const float *p = probs + row * S;
  float dot = 0.0f;
  for (i64 j = threadIdx.x; j < S; j += blockDim.x) {
    const float dprob = kept(seed, stream, base + j, threshold)
                            ? dp[row * S + j] * keepScale
                            : 0.0f;
    dot += dprob * p[j];
  }
  dot = blockSum(dot, scratch);
  for (i64 j = threadIdx.x; j < S; j += blockDim.x) {
    const float dprob = kept(seed, stream, base + j, threshold)
                            ? dp[row * S + j] * keepScale
                            : 0.0f;
    if (j <= i + M) {
      const float d = p[j] * (dprob - dot) * scale;
      dscore[row * S + j] = d;
      dg[row * S + (i + M - j)] = d;
    } else {
      dscore[row * S + j] = 0.0f;
      dg[row * S + j] = 0.0f;
    }
  }
}

// ---- Adam -------------------------------------------------------------------

// sumSquares[block] = the sum of squares of the block's elements of g
// (the host adds the blocks up for the gradient norm).
extern "C" __global__ void sieve_lm_sum_squares(float *sumSquares,
                                                const float *g, i64 n) {
  __shared__ float scratch[32];
  float sum = 0.0f;
  for (i64 i = blockIdx.x * (i64)blockDim.x + threadIdx.x; i < n;
       i += (i64)gridDim.x * blockDim.x)
    sum += g[i] * g[i];
  sum = blockSum(sum, scratch);
  if (threadIdx.x == 0)
    sumSquares[blockIdx.x] = sum;
}

// One Adam step on f32 masters (models/lm/Adam.cpp's), the gradient
// scaled by `gradScale` (clipping): m = b1 m + (1 - b1) g,
// v = b2 v + (1 - b2) g^2, w -= lr mhat / (sqrt(vhat) + eps).
extern "C" __global__ void sieve_lm_adam(float *w, float *m, float *v,
                                         const float *g, i64 n, float gradScale,
                                         float lr, float beta1, float beta2,
                                         float eps, float correction1,
                                         float correction2) {
  SIEVE_FOR_EACH(i, n) {
    const float grad = g[i] * gradScale;
    m[i] = beta1 * m[i] + (1.0f - beta1) * grad;
    v[i] = beta2 * v[i] + (1.0f - beta2) * grad * grad;
    const float mhat = m[i] / correction1, vhat = v[i] / correction2;
    w[i] -= lr * mhat / (sqrtf(vhat) + eps);
  }
}
