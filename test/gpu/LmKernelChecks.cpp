//===- LmKernelChecks.cpp - GPU training's device program on the GPU -----===//
//
// Every operation of the CUDA backend (models/lm/Cuda: cuBLAS and the
// NVRTC kernels) against the host backend (models/lm/Device/HostDenseOps:
// plain loops, itself checked against the host model by the GoogleTest
// suites), on the same random inputs; then the relative attention's whole
// forward and backward program on both, with f32 and with bf16 GEMM
// operands. Floats agree to 1e-5 of the largest host value (1e-4 for sums
// over long rows; the orders of the sums differ; 1e-2 where a bf16
// rounding of an intermediate can go the other way), dropout masks and
// reshapes exactly. Plain C++, so that a GPU
// node without LLVM or OpenBLAS builds it. Exit codes: 0 all passed, 1 a
// failure, 77 no GPU.
//
//===----------------------------------------------------------------------===//

#include "models/lm/Cuda/CudaDenseOps.h"
#include "models/lm/Device/DeviceAttention.h"
#include "models/lm/Device/HostDenseOps.h"
#include "runtime/Core/Error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <string>

using namespace sieve;
using namespace sieve::lm;
using device::Address;
using device::DenseOps;
using runtime::DType;

namespace {

/// One array on both backends.
struct Mirrored {
  std::unique_ptr<device::Buffer> host, gpu;
};

struct Checker {
  device::HostDenseOps host;
  DenseOps &gpu;
  std::mt19937 rng{5};
  int passed = 0, failed = 0;

  template <typename T>
  Mirrored mirror(DType dtype, const std::vector<T> &values) {
    Mirrored m{host.allocate(dtype, int64_t(values.size())),
               gpu.allocate(dtype, int64_t(values.size()))};
    host.copyIn(m.host->address(), values.data(), values.size() * sizeof(T));
    gpu.copyIn(m.gpu->address(), values.data(), values.size() * sizeof(T));
    return m;
  }
  Mirrored make(const std::vector<float> &values) {
    return mirror(DType::F32, values);
  }
  Mirrored makeI32(const std::vector<int32_t> &values) {
    return mirror(DType::I32, values);
  }
  Mirrored zeros(int64_t n, DType dtype = DType::F32) {
    return {host.allocate(dtype, n), gpu.allocate(dtype, n)};
  }
  std::vector<float> random(int64_t n, float scale = 1.0f) {
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> values(n);
    for (float &v : values)
      v = normal(rng);
    return values;
  }
  /// Runs `op` on each backend with that backend's addresses.
  void both(const std::function<void(DenseOps &,
                                     std::function<Address(Mirrored &)>)> &op) {
    op(host, [](Mirrored &m) { return m.host->address(); });
    op(gpu, [](Mirrored &m) { return m.gpu->address(); });
  }
  void expect(const char *what, const Mirrored &m, double tolerance = 1e-5) {
    const int64_t n = m.host->count();
    std::vector<float> actual(n);
    gpu.copyOut(actual.data(), m.gpu->address(), n * 4);
    const float *expected = reinterpret_cast<const float *>(m.host->address());
    report(what, actual, std::vector<float>(expected, expected + n), tolerance);
  }
  void report(const char *what, const std::vector<float> &actual,
              const std::vector<float> &expected, double tolerance) {
    double largest = 0, error = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
      largest = std::max(largest, double(std::fabs(expected[i])));
      error = std::max(error, double(std::fabs(actual[i] - expected[i])));
    }
    bool ok = error <= tolerance * std::max(largest, 1e-30);
    std::printf("%s: %s (max error %.3g of %.3g)\n", ok ? "PASS" : "FAIL", what,
                error, largest);
    (ok ? passed : failed)++;
  }
};

void checkRows(Checker &c) {
  const int64_t n = 37, width = 300, vocab = 1000;
  Mirrored x = c.make(c.random(n * width, 2.0f)), g = c.make(c.random(width)),
           b = c.make(c.random(width)), dout = c.make(c.random(n * width)),
           y = c.zeros(n * width), mean = c.zeros(n), rstd = c.zeros(n),
           dx = c.zeros(n * width), dg = c.zeros(width), db = c.zeros(width);
  c.both([&](DenseOps &ops, auto at) {
    ops.layerNormForward(at(y), at(mean), at(rstd), at(x), at(g), at(b), n,
                         width);
    ops.layerNormBackward(at(dx), at(dg), at(db), at(dout), at(x), at(mean),
                          at(rstd), at(g), n, width);
  });
  c.expect("layer norm forward", y);
  c.expect("layer norm rstd", rstd);
  c.expect("layer norm dx", dx, 1e-4);
  c.expect("layer norm dg", dg, 1e-4);
  c.expect("layer norm db", db, 1e-4);

  std::vector<int32_t> targets(n);
  for (int32_t &t : targets)
    t = static_cast<int32_t>(c.rng() % vocab);
  Mirrored logits = c.make(c.random(n * vocab, 3.0f)), t = c.makeI32(targets),
           probs = c.zeros(n * vocab), dlogits = c.zeros(n * vocab);
  std::vector<float> losses;
  c.both([&](DenseOps &ops, auto at) {
    losses.push_back(
        float(ops.crossEntropyForward(at(probs), at(logits), at(t), n, vocab)));
    ops.crossEntropyBackward(at(dlogits), at(probs), at(t), n, vocab, 0.5f);
  });
  c.expect("cross-entropy probabilities", probs);
  c.report("cross-entropy loss", {losses[1]}, {losses[0]}, 1e-5);
  c.expect("cross-entropy dlogits", dlogits);
}

void checkElementwise(Checker &c) {
  const int64_t n = 5000, vocab = 50, width = 24, tokens = 300;
  Mirrored x = c.make(c.random(n)), dout = c.make(c.random(n)),
           dropped = c.zeros(n), acc = c.make(std::vector<float>(n, 1.0f)),
           half = c.zeros(n, DType::BF16), back = c.zeros(n),
           sums = c.make(std::vector<float>(7, 1.0f));
  std::vector<float> squares;
  c.both([&](DenseOps &ops, auto at) {
    ops.dropoutForward(at(dropped), at(x), n, 0.1, 77, 35);
    ops.dropoutBackward(at(acc), at(dout), n, 0.1, 77, 35);
    ops.toBf16(at(half), at(x), n);
    ops.fromBf16(at(back), at(half), n);
    ops.addColumnSums(at(sums), at(x), n / 7, 7);
    squares.push_back(float(ops.sumSquares(at(x), n)));
  });
  c.expect("dropout forward (the host's mask)", dropped, 0.0);
  c.expect("dropout backward", acc, 1e-6);
  c.expect("f32 -> bf16 -> f32", back, 0.0);
  c.expect("column sums over chunks", sums);
  c.report("sum of squares", {squares[1]}, {squares[0]}, 1e-5);

  std::vector<int32_t> ids(tokens);
  for (int32_t &id : ids)
    id = static_cast<int32_t>(c.rng() % 20); // repeats, and unused rows
  device::TokenGroups groups = device::groupTokenPositions(ids.data(), tokens);
  Mirrored t = c.makeI32(ids), table = c.make(c.random(vocab * width)),
           dy = c.make(c.random(tokens * width)), out = c.zeros(tokens * width),
           dtable = c.zeros(vocab * width);
  c.both([&](DenseOps &ops, auto at) {
    ops.embeddingForward(at(out), at(t), at(table), tokens, width);
    ops.embeddingBackward(at(dtable), at(dy), groups, width);
  });
  c.expect("embedding forward", out, 0.0);
  c.expect("embedding backward", dtable, 1e-6);

  Mirrored w = c.make(c.random(n)), m = c.make(c.random(n, 0.1f)),
           v = c.make(std::vector<float>(n, 0.01f));
  c.both([&](DenseOps &ops, auto at) {
    ops.adam(at(w), at(m), at(v), at(x), n, 0.5f, 1e-3f, 0.9f, 0.999f, 1e-8f,
             0.271f, 0.003f);
  });
  c.expect("adam weights", w);
  c.expect("adam moments", v);
}

void checkGemms(Checker &c) {
  // Two products of 40 x 24 over 56, A transposed with rows 48 apart, from
  // element 3 on; B dense; C accumulates.
  // m, n, k, transposeA, transposeB, lda, ldb, ldc, batch, strides.
  const device::RowMajorGemm g{40, 24, 56, true,    false,   48,
                               0,  0,  2,  56 * 48, 56 * 24, 40 * 24};
  for (DType operands : {DType::F32, DType::BF16}) {
    Mirrored a = c.make(c.random(2 * 56 * 48 + 3)),
             b = c.make(c.random(2 * 56 * 24)),
             out = c.make(c.random(2 * 40 * 24));
    c.both([&](DenseOps &ops, auto at) {
      device::Matmul matmul(ops, operands);
      matmul(g, device::f32Values(at(a)).at(3), device::f32Values(at(b)),
             at(out), 1.0f);
    });
    c.expect(operands == DType::F32 ? "strided-batched GEMM, f32"
                                    : "strided-batched GEMM, bf16 operands",
             out, 1e-5);
  }
}

void checkAttention(Checker &c, DType operands) {
  const AttentionShape shape{
      /*batch=*/3,   /*tokens=*/16, /*memory=*/16,
      /*dModel=*/64, /*heads=*/4,   /*headSize=*/16};
  const int64_t B = shape.batch, T = shape.tokens, S = shape.keys(),
                D = shape.dModel, HD = shape.width();
  Mirrored a = c.make(c.random(B * S * D)), positions = c.make(c.random(S * D)),
           dout = c.make(c.random(B * T * D)), out = c.zeros(B * T * D),
           da = c.zeros(B * S * D);
  std::vector<Mirrored> weights, grads;
  for (int64_t size : {D * HD, D * HD, D * HD, D * HD, HD * D, HD, HD}) {
    weights.push_back(c.make(c.random(size, 0.2f)));
    grads.push_back(c.zeros(size));
  }
  c.both([&](DenseOps &ops, auto at) {
    auto pick = [&](std::vector<Mirrored> &v) {
      return device::AttentionWeights{at(v[0]), at(v[1]), at(v[2]), at(v[3]),
                                      at(v[4]), at(v[5]), at(v[6])};
    };
    device::Matmul matmul(ops, operands);
    device::AttentionCache cache;
    device::attentionForward(matmul, at(out), at(a), at(positions),
                             pick(weights), shape, 0.1, 3, 7, cache);
    device::attentionBackward(matmul, at(da), pick(grads), at(dout),
                              at(positions), pick(weights), shape, 0.1, 3, 7,
                              cache);
  });
  const double tolerance = operands == DType::F32 ? 1e-4 : 1e-2;
  const std::string suffix =
      operands == DType::F32 ? "" : " (bf16 GEMM operands)";
  auto check = [&](const char *what, const Mirrored &m) {
    c.expect((what + suffix).c_str(), m, tolerance);
  };
  check("attention output", out);
  check("attention da", da);
  const char *names[] = {"attention dwq", "attention dwk", "attention dwv",
                         "attention dwr", "attention dwo", "attention du",
                         "attention dv"};
  for (size_t i = 0; i < grads.size(); ++i)
    check(names[i], grads[i]);
}

} // namespace

int runChecks(DenseOps &gpu) {
  Checker checker{{}, gpu};
  checkRows(checker);
  checkElementwise(checker);
  checkGemms(checker);
  checkAttention(checker, DType::F32);
  checkAttention(checker, DType::BF16);
  std::printf("LM kernel checks: %d passed, %d failed\n", checker.passed,
              checker.failed);
  return checker.failed == 0 && checker.passed > 0 ? 0 : 1;
}

int main(int argc, char **argv) {
  // --host-backend: the host backend in the GPU's place, which checks the
  // checks themselves (every comparison must then be exact) without a GPU.
  if (argc > 1 && std::string(argv[1]) == "--host-backend") {
    device::HostDenseOps second;
    return runChecks(second);
  }
  std::string why;
  std::unique_ptr<runtime::cuda::GpuExecutor> executor =
      runtime::cuda::GpuExecutor::create(&why);
  if (!executor) {
    std::printf("LM kernel checks skipped: %s\n", why.c_str());
    return 77;
  }
  std::printf("GPU: %s\n", executor->describeDevice().c_str());
  std::string cache =
      argc > 1
          ? argv[1]
          : (std::filesystem::temp_directory_path() / "sieve-lm-kernel-checks")
                .string();
  try {
    cuda::CudaDenseOps gpu(*executor, cache);
    return runChecks(gpu);
  } catch (const runtime::Error &error) {
    std::printf("FAIL: %s\n", error.what());
    return 1;
  }
}
