//===- LmKernelChecks.cpp - the LM's dense GPU kernels against plain loops ===//
//
// Each kernel of models/lm/Cuda/DenseKernels.cu on random inputs against a
// plain C++ loop written here from the host model's definitions (Ops.cpp,
// RelativeAttention.cpp, Adam.cpp): float results to 1e-5 of the largest
// reference value (the GPU sums in other orders), dropout masks and index
// reshapes exactly. Plain C++, so that it builds on a GPU node without
// LLVM or OpenBLAS. Exit codes: 0 all passed, 1 a failure, 77 no GPU.
//
//===----------------------------------------------------------------------===//

#include "models/lm/Cuda/DenseKernels.h"
#include "runtime/Core/Error.h"
#include "runtime/Random/CounterRandom.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>

using namespace sieve;
using namespace sieve::lm::cuda;
using runtime::DType;
using runtime::Tensor;
using runtime::cuda::DeviceTensor;
using runtime::cuda::GpuExecutor;

namespace {

struct Checker {
  GpuExecutor &gpu;
  DenseKernels &kernels;
  std::mt19937 rng{5};
  int passed = 0, failed = 0;

  std::vector<float> random(int64_t n, float scale = 1.0f) {
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> values(n);
    for (float &v : values)
      v = normal(rng);
    return values;
  }
  DeviceTensor upload(const std::vector<float> &values) {
    return gpu.upload(
        Tensor::fromF32({static_cast<int64_t>(values.size())}, values));
  }
  DeviceTensor uploadI32(const std::vector<int32_t> &values) {
    return gpu.upload(
        Tensor::fromI32({static_cast<int64_t>(values.size())}, values));
  }
  std::vector<float> download(const DeviceTensor &t) {
    Tensor host = gpu.download(t);
    return {host.data<float>(), host.data<float>() + host.numel()};
  }
  void expect(const char *what, const std::vector<float> &actual,
              const std::vector<float> &expected, double tolerance = 1e-5) {
    double largest = 0, error = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
      largest = std::max(largest, double(std::fabs(expected[i])));
      error = std::max(error, double(std::fabs(actual[i] - expected[i])));
    }
    bool ok = actual.size() == expected.size() &&
              error <= tolerance * std::max(largest, 1e-30);
    std::printf("%s: %s (max error %.3g of %.3g)\n", ok ? "PASS" : "FAIL", what,
                error, largest);
    (ok ? passed : failed)++;
  }
};

void checkLayerNorm(Checker &c) {
  const int64_t n = 37, width = 300;
  std::vector<float> x = c.random(n * width, 2.0f), g = c.random(width),
                     b = c.random(width), dout = c.random(n * width);
  std::vector<float> out(n * width), mean(n), rstd(n), dx(n * width, 0.0f),
      dg(width, 0.0f), db(width, 0.0f);
  for (int64_t i = 0; i < n; ++i) {
    double sum = 0, var = 0;
    for (int64_t j = 0; j < width; ++j)
      sum += x[i * width + j];
    mean[i] = float(sum / width);
    for (int64_t j = 0; j < width; ++j)
      var += double(x[i * width + j] - mean[i]) * (x[i * width + j] - mean[i]);
    rstd[i] = float(1.0 / std::sqrt(var / width + 1e-5));
    double meanD = 0, meanDX = 0;
    for (int64_t j = 0; j < width; ++j) {
      float xhat = (x[i * width + j] - mean[i]) * rstd[i];
      out[i * width + j] = xhat * g[j] + b[j];
      meanD += dout[i * width + j] * g[j];
      meanDX += double(dout[i * width + j]) * g[j] * xhat;
      dg[j] += dout[i * width + j] * xhat;
      db[j] += dout[i * width + j];
    }
    meanD /= width;
    meanDX /= width;
    for (int64_t j = 0; j < width; ++j) {
      float xhat = (x[i * width + j] - mean[i]) * rstd[i];
      dx[i * width + j] =
          float(rstd[i] * (dout[i * width + j] * g[j] - meanD - xhat * meanDX));
    }
  }
  DeviceTensor dX = c.upload(x), dG = c.upload(g), dB = c.upload(b),
               dOut = c.upload(dout),
               y = c.gpu.allocate(DType::F32, {n, width}),
               m = c.gpu.allocate(DType::F32, {n}),
               r = c.gpu.allocate(DType::F32, {n}),
               gx = c.gpu.allocate(DType::F32, {n, width}),
               gg = c.gpu.allocate(DType::F32, {width}),
               gb = c.gpu.allocate(DType::F32, {width});
  for (DeviceTensor *t : {&gx, &gg, &gb})
    c.gpu.zero(*t);
  c.kernels.layerNormForward(y.address(), m.address(), r.address(),
                             dX.address(), dG.address(), dB.address(), n,
                             width);
  c.kernels.layerNormBackward(gx.address(), gg.address(), gb.address(),
                              dOut.address(), dX.address(), m.address(),
                              r.address(), dG.address(), n, width);
  c.expect("layer norm forward", c.download(y), out);
  c.expect("layer norm mean", c.download(m), mean);
  c.expect("layer norm rstd", c.download(r), rstd);
  c.expect("layer norm dx", c.download(gx), dx, 1e-4);
  c.expect("layer norm dg", c.download(gg), dg, 1e-4);
  c.expect("layer norm db", c.download(gb), db, 1e-4);
}

void checkCrossEntropy(Checker &c) {
  const int64_t n = 29, vocab = 1000;
  std::vector<float> logits = c.random(n * vocab, 3.0f);
  std::vector<int32_t> targets(n);
  for (int32_t &t : targets)
    t = static_cast<int32_t>(c.rng() % vocab);
  std::vector<float> probs(n * vocab), dlogits(n * vocab);
  double loss = 0;
  const float scale = 1.0f / n;
  for (int64_t i = 0; i < n; ++i) {
    float max = *std::max_element(&logits[i * vocab], &logits[(i + 1) * vocab]);
    double sum = 0;
    for (int64_t j = 0; j < vocab; ++j)
      sum += std::exp(double(logits[i * vocab + j]) - max);
    for (int64_t j = 0; j < vocab; ++j) {
      probs[i * vocab + j] = float(std::exp(logits[i * vocab + j] - max) / sum);
      dlogits[i * vocab + j] =
          scale * probs[i * vocab + j] - (j == targets[i] ? scale : 0.0f);
    }
    loss += std::log(sum) + max - logits[i * vocab + targets[i]];
  }
  DeviceTensor l = c.upload(logits), t = c.uploadI32(targets),
               p = c.gpu.allocate(DType::F32, {n, vocab}),
               d = c.gpu.allocate(DType::F32, {n, vocab});
  double gpuLoss = c.kernels.crossEntropyForward(p.address(), l.address(),
                                                 t.address(), n, vocab);
  c.kernels.crossEntropyBackward(d.address(), p.address(), t.address(), n,
                                 vocab, scale);
  c.expect("cross-entropy probabilities", c.download(p), probs);
  c.expect("cross-entropy loss", {float(gpuLoss)}, {float(loss)});
  c.expect("cross-entropy dlogits", c.download(d), dlogits);
}

void checkElementwise(Checker &c) {
  const int64_t n = 5000;
  const double p = 0.1;
  const uint64_t seed = 77, stream = 35;
  std::vector<float> x = c.random(n), dout = c.random(n);
  std::vector<float> dropped(n), ddx(n);
  runtime::BernoulliDraw draw(seed, stream, 1.0 - p);
  const float scale = float(1.0 / (1.0 - p));
  for (int64_t i = 0; i < n; ++i) {
    bool keep = draw.keep(i);
    dropped[i] = keep ? x[i] * scale : 0.0f;
    ddx[i] = x[i] + (keep ? dout[i] * scale : 0.0f);
  }
  DeviceTensor dX = c.upload(x), dOut = c.upload(dout),
               y = c.gpu.allocate(DType::F32, {n}), acc = c.upload(x);
  c.kernels.dropoutForward(y.address(), dX.address(), n, p, seed, stream);
  c.kernels.dropoutBackward(acc.address(), dOut.address(), n, p, seed, stream);
  c.expect("dropout forward (the host's mask)", c.download(y), dropped, 0.0);
  c.expect("dropout backward", c.download(acc), ddx, 1e-6);

  // bf16 round trip: nearest even, then exact back.
  DeviceTensor half = c.gpu.allocate(DType::BF16, {n}),
               back = c.gpu.allocate(DType::F32, {n});
  c.kernels.toBf16(half.address(), dX.address(), n);
  c.kernels.fromBf16(back.address(), half.address(), n);
  std::vector<float> rounded(n);
  for (int64_t i = 0; i < n; ++i)
    rounded[i] = runtime::fromHalfBits(runtime::toHalfBits(x[i], DType::BF16),
                                       DType::BF16);
  c.expect("f32 -> bf16 -> f32", c.download(back), rounded, 0.0);
}

void checkEmbedding(Checker &c) {
  const int64_t vocab = 50, width = 24, n = 300;
  std::vector<int32_t> tokens(n);
  for (int32_t &t : tokens)
    t = static_cast<int32_t>(c.rng() % 20); // repeats, and unused rows
  std::vector<float> table = c.random(vocab * width),
                     dout = c.random(n * width);
  std::vector<float> out(n * width), dtable(vocab * width, 0.0f);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < width; ++j) {
      out[i * width + j] = table[tokens[i] * width + j];
      dtable[tokens[i] * width + j] += dout[i * width + j];
    }
  DeviceTensor t = c.uploadI32(tokens), tab = c.upload(table),
               d = c.upload(dout), y = c.gpu.allocate(DType::F32, {n, width}),
               dt = c.gpu.allocate(DType::F32, {vocab, width});
  c.gpu.zero(dt);
  c.kernels.embeddingForward(y.address(), t.address(), tab.address(), n, width);
  c.kernels.embeddingBackward(dt.address(), d.address(),
                              groupTokenPositions(tokens.data(), n), width);
  c.expect("embedding forward", c.download(y), out, 0.0);
  c.expect("embedding backward", c.download(dt), dtable, 1e-6);
}

void checkAttention(Checker &c) {
  const int64_t H = 3, B = 2, T = 5, M = 4, S = M + T, dh = 8;
  const float scale = 1.0f / std::sqrt(float(dh));
  const double p = 0.2;
  const uint64_t seed = 9, stream = 18;
  std::vector<float> ac = c.random(H * B * T * S), g = c.random(H * B * T * S),
                     dp = c.random(H * B * T * S);
  std::vector<float> probs(H * B * T * S), dropped(H * B * T * S),
      dscore(H * B * T * S), dg(H * B * T * S);
  runtime::BernoulliDraw draw(seed, stream, 1.0 - p);
  const float keepScale = float(1.0 / (1.0 - p));
  for (int64_t h = 0; h < H; ++h)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t i = 0; i < T; ++i) {
        const int64_t row = (h * B + b) * T + i;
        const uint64_t base = ((uint64_t(b) * H + h) * T + i) * S;
        double max = -1e30, sum = 0, dot = 0;
        for (int64_t j = 0; j <= i + M; ++j)
          max = std::max(
              max, double((ac[row * S + j] + g[row * S + i + M - j]) * scale));
        for (int64_t j = 0; j <= i + M; ++j)
          sum += std::exp((ac[row * S + j] + g[row * S + i + M - j]) * scale -
                          max);
        for (int64_t j = 0; j < S; ++j) {
          float value =
              j <= i + M
                  ? float(std::exp((ac[row * S + j] + g[row * S + i + M - j]) *
                                       scale -
                                   max) /
                          sum)
                  : 0.0f;
          bool keep = draw.keep(base + j);
          probs[row * S + j] = value;
          dropped[row * S + j] = keep ? value * keepScale : 0.0f;
          dot += (keep ? dp[row * S + j] * keepScale : 0.0f) * value;
        }
        for (int64_t j = 0; j < S; ++j) {
          float dprob = draw.keep(base + j) ? dp[row * S + j] * keepScale : 0;
          float d = j <= i + M
                        ? probs[row * S + j] * (dprob - float(dot)) * scale
                        : 0.0f;
          dscore[row * S + j] = d;
          if (j <= i + M)
            dg[row * S + i + M - j] = d;
          else
            dg[row * S + j] = 0.0f;
        }
      }
  DeviceTensor dAc = c.upload(ac), dG = c.upload(g), dDp = c.upload(dp),
               pr = c.gpu.allocate(DType::F32, {H * B * T * S}),
               dr = c.gpu.allocate(DType::F32, {H * B * T * S}),
               ds = c.gpu.allocate(DType::F32, {H * B * T * S}),
               dgo = c.gpu.allocate(DType::F32, {H * B * T * S});
  DenseKernels::AttentionRows rows{H, B, T, S, M, scale, p, seed, stream};
  c.kernels.attentionSoftmax(pr.address(), dr.address(), dAc.address(),
                             dG.address(), rows);
  c.kernels.attentionSoftmaxBackward(ds.address(), dgo.address(), dDp.address(),
                                     pr.address(), rows);
  c.expect("attention probabilities", c.download(pr), probs);
  c.expect("attention dropout", c.download(dr), dropped);
  c.expect("attention dscore", c.download(ds), dscore, 1e-4);
  c.expect("attention dG (distances)", c.download(dgo), dg, 1e-4);

  // Heads: split rows [M, S) of (B, S, H dh) and merge back.
  std::vector<float> in = c.random(B * S * H * dh), split(H * B * T * dh);
  for (int64_t h = 0; h < H; ++h)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t i = 0; i < T; ++i)
        for (int64_t k = 0; k < dh; ++k)
          split[((h * B + b) * T + i) * dh + k] =
              in[(b * S + M + i) * H * dh + h * dh + k];
  DeviceTensor dIn = c.upload(in),
               sp = c.gpu.allocate(DType::F32, {H * B * T * dh}),
               merged = c.gpu.allocate(DType::F32, {B * T * H * dh});
  c.kernels.splitHeads(sp.address(), dIn.address(), H, B, T, dh, M, S);
  c.kernels.mergeHeads(merged.address(), sp.address(), H, B, T, dh);
  c.expect("split heads", c.download(sp), split, 0.0);
  std::vector<float> lastRows;
  for (int64_t b = 0; b < B; ++b)
    lastRows.insert(lastRows.end(), in.begin() + (b * S + M) * H * dh,
                    in.begin() + (b * S + S) * H * dh);
  c.expect("merge heads", c.download(merged), lastRows, 0.0);
}

void checkAdamAndSums(Checker &c) {
  const int64_t n = 3000, m = 7;
  std::vector<float> w = c.random(n), mm = c.random(n, 0.1f),
                     vv = c.random(n, 0.1f), g = c.random(n);
  for (float &v : vv)
    v = std::fabs(v);
  std::vector<float> w2 = w, m2 = mm, v2 = vv;
  const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, lr = 1e-3f, s = 0.5f;
  const float c1 = 1 - std::pow(b1, 3.0f), c2 = 1 - std::pow(b2, 3.0f);
  double squares = 0;
  for (int64_t i = 0; i < n; ++i) {
    squares += double(g[i]) * g[i];
    float grad = g[i] * s;
    m2[i] = b1 * m2[i] + (1 - b1) * grad;
    v2[i] = b2 * v2[i] + (1 - b2) * grad * grad;
    w2[i] -= lr * (m2[i] / c1) / (std::sqrt(v2[i] / c2) + eps);
  }
  DeviceTensor dw = c.upload(w), dm = c.upload(mm), dv = c.upload(vv),
               dg = c.upload(g);
  c.expect("sum of squares", {float(c.kernels.sumSquares(dg.address(), n))},
           {float(squares)});
  c.kernels.adam(dw.address(), dm.address(), dv.address(), dg.address(), n, s,
                 lr, b1, b2, eps, c1, c2);
  c.expect("adam weights", c.download(dw), w2);
  c.expect("adam first moment", c.download(dm), m2);
  c.expect("adam second moment", c.download(dv), v2);

  // Column sums over more rows than one chunk.
  const int64_t rows = 1000;
  std::vector<float> in = c.random(rows * m), sums(m, 1.0f);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < m; ++j)
      sums[j] += in[i * m + j];
  DeviceTensor dIn = c.upload(in), out = c.upload(std::vector<float>(m, 1.0f));
  c.kernels.addColumnSums(out.address(), dIn.address(), rows, m);
  c.expect("column sums", c.download(out), sums, 1e-5);
}

} // namespace

int main(int argc, char **argv) {
  std::string why;
  std::unique_ptr<GpuExecutor> gpu = GpuExecutor::create(&why);
  if (!gpu) {
    std::printf("LM kernel checks skipped: %s\n", why.c_str());
    return 77;
  }
  std::printf("GPU: %s\n", gpu->describeDevice().c_str());
  std::string cache =
      argc > 1
          ? argv[1]
          : (std::filesystem::temp_directory_path() / "sieve-lm-kernel-checks")
                .string();
  try {
    DenseKernels kernels(*gpu, cache);
    Checker checker{*gpu, kernels};
    checkLayerNorm(checker);
    checkCrossEntropy(checker);
    checkElementwise(checker);
    checkEmbedding(checker);
    checkAttention(checker);
    checkAdamAndSums(checker);
    std::printf("LM kernel checks: %d passed, %d failed\n", checker.passed,
                checker.failed);
    return checker.failed == 0 && checker.passed > 0 ? 0 : 1;
  } catch (const runtime::Error &error) {
    std::printf("FAIL: %s\n", error.what());
    return 1;
  }
}
