//===- HalfLayerTest.cpp - layers on bf16 / f16 tensors, host backend -----===//
//
// σ-MoE with its tensors stored as bf16 and as f16, compiled for the host
// through every stage and run by the runtime, against the plain C++
// reference evaluated in double on the same (rounded) inputs. The host
// backend is the GPU suite's reference for the sm_90a warpgroup MMA
// kernels, so it is checked here on its own. The bound allows for the
// 16-bit rounding of the stored intermediates (scores, hidden units) and
// of the output: 8 significant bits for bf16, 11 for f16. Rounded scores
// can reorder experts whose scores are closer than the rounding, so tokens
// whose K-th and (K+1)-th scores (in double) are that close are left out;
// most tokens must remain.
//
//===----------------------------------------------------------------------===//

#include "test/numerics/Harness.h"

#include "runtime/Core/DType.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace sieve;
using namespace sieve::test;
namespace ref = sieve::reference;

namespace {

constexpr int64_t N = 41, D = 64, E = 8, G = 16, K = 3;

std::string moeModule(const std::string &type) {
  std::string t = "x" + type + ">";
  return "func.func @sigma_moe(%x: tensor<?x64" + t + ", %w1: tensor<8x64x16" +
         t + ", %w2: tensor<8x16x64" + t + ", %w3: tensor<64x8" + t +
         ") -> tensor<?x64" + t +
         " {\n  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 8 : i64, "
         "expert_size = 16 : i64, k = 3 : i64, selection_activation = "
         "#sieve.selection_activation<sigmoid>} : (tensor<?x64" +
         t + ", tensor<8x64x16" + t + ", tensor<8x16x64" + t + ", tensor<64x8" +
         t + ") -> tensor<?x64" + t + "\n  return %y : tensor<?x64" + t +
         "\n}\n";
}

/// A tensor of `dtype` holding `values` rounded to it; `values` becomes the
/// rounded values, which the reference then sees.
runtime::Tensor rounded(runtime::DType dtype, std::vector<int64_t> shape,
                        std::vector<double> &values) {
  runtime::Tensor tensor(dtype, std::move(shape));
  auto *bits = static_cast<uint16_t *>(tensor.raw());
  for (size_t i = 0; i < values.size(); ++i) {
    bits[i] = runtime::toHalfBits(static_cast<float>(values[i]), dtype);
    values[i] = runtime::fromHalfBits(bits[i], dtype);
  }
  return tensor;
}

std::vector<double> values(const runtime::Tensor &tensor) {
  std::vector<double> out(tensor.numel());
  const auto *bits = static_cast<const uint16_t *>(tensor.raw());
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = runtime::fromHalfBits(bits[i], tensor.dtype());
  return out;
}

void checkSigmaMoe(runtime::DType dtype, double tolerance, double scoreMargin) {
  std::shared_ptr<runtime::Bundle> bundle =
      compileText(moeModule(runtime::name(dtype)));
  ASSERT_TRUE(bundle) << "the " << runtime::name(dtype) << " layer did not "
                      << "compile";
  std::mt19937 rng(20261123);
  std::vector<double> x = uniform(rng, N * D), w1 = uniform(rng, E * D * G),
                      w2 = uniform(rng, E * G * D), w3 = uniform(rng, D * E);
  runtime::Tensor tx = rounded(dtype, {N, D}, x);
  runtime::Tensor tw1 = rounded(dtype, {E, D, G}, w1);
  runtime::Tensor tw2 = rounded(dtype, {E, G, D}, w2);
  runtime::Tensor tw3 = rounded(dtype, {D, E}, w3);
  std::vector<runtime::Tensor> out =
      run(*bundle, "sigma_moe", {&tx, &tw1, &tw2, &tw3});
  ASSERT_EQ(out[0].dtype(), dtype);
  ref::MoeConfig config{D, E, G, K};
  ref::MoeOutput expected = ref::moeFfn(x, w1, w2, w3, {}, N, config);
  std::vector<double> actual = values(out[0]), kept, keptExpected;
  for (int64_t t = 0; t < N; ++t) {
    std::vector<double> scores(E);
    for (int64_t e = 0; e < E; ++e) {
      double a = 0;
      for (int64_t d = 0; d < D; ++d)
        a += x[t * D + d] * w3[d * E + e];
      scores[e] = 1 / (1 + std::exp(-a));
    }
    std::sort(scores.rbegin(), scores.rend());
    if (scores[K - 1] - scores[K] < scoreMargin)
      continue;
    kept.insert(kept.end(), actual.begin() + t * D,
                actual.begin() + (t + 1) * D);
    keptExpected.insert(keptExpected.end(), expected.y.begin() + t * D,
                        expected.y.begin() + (t + 1) * D);
  }
  EXPECT_GE(kept.size(), static_cast<size_t>(N * D * 3 / 4))
      << runtime::name(dtype) << ": too few tokens with a clear top-K";
  EXPECT_LT(relativeError(kept, keptExpected), tolerance)
      << runtime::name(dtype) << ", " << kept.size() / D << " tokens of " << N;
}

} // namespace

TEST(HalfLayerTest, SigmaMoeOnBf16Tensors) {
  checkSigmaMoe(runtime::DType::BF16, 2e-2, 1.0 / 128);
}

TEST(HalfLayerTest, SigmaMoeOnF16Tensors) {
  checkSigmaMoe(runtime::DType::F16, 3e-3, 1.0 / 1024);
}
