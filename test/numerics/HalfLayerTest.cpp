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

TEST(HalfLayerTest, Bf16GatherSumRoundsOnce) {
  // PKM's value gather-sum on bf16 tensors: 32 selected rows a token,
  // summed in f32 and rounded once, so every output is within one bf16
  // rounding of the exact sum of the (rounded) inputs. Rounding after
  // each row, as the host once did, drifts several roundings away.
  constexpr int64_t Tokens = 23, Selected = 32, Rows = 50, Width = 64;
  std::shared_ptr<runtime::Bundle> bundle = compileText(R"(
func.func @pkm_values(%w: tensor<?x32xbf16>, %i: tensor<?x32xi32>, %t: tensor<50x64xbf16>) -> tensor<?x64xbf16> {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0.0 : bf16
  %n = tensor.dim %w, %c0 : tensor<?x32xbf16>
  %e = tensor.empty(%n) : tensor<?x64xbf16>
  %f = linalg.fill ins(%z : bf16) outs(%e : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  %r = sieve.gather_sum ins(%w, %i, %t : tensor<?x32xbf16>, tensor<?x32xi32>, tensor<50x64xbf16>) outs(%f : tensor<?x64xbf16>) -> tensor<?x64xbf16>
  return %r : tensor<?x64xbf16>
}
)");
  ASSERT_TRUE(bundle) << "the gather-sum did not compile";
  std::mt19937 rng(31);
  std::vector<double> w = uniform(rng, Tokens * Selected, 0.0, 1.0),
                      t = uniform(rng, Rows * Width, 0.0, 1.0);
  ref::IVec rows(Tokens * Selected);
  for (int32_t &row : rows)
    row = static_cast<int32_t>(rng() % Rows);
  runtime::Tensor tw = rounded(runtime::DType::BF16, {Tokens, Selected}, w);
  runtime::Tensor tt = rounded(runtime::DType::BF16, {Rows, Width}, t);
  runtime::Tensor ti(runtime::DType::I32, {Tokens, Selected});
  std::copy(rows.begin(), rows.end(), static_cast<int32_t *>(ti.raw()));
  std::vector<runtime::Tensor> out =
      run(*bundle, "pkm_values", {&tw, &ti, &tt});
  std::vector<double> actual = values(out[0]);
  ref::Vec expected = ref::gatherSum(w, rows, t, Tokens, Selected, Width);
  // In units of bf16's largest relative rounding, 2^-8 (8 significant
  // bits, rounded to nearest).
  double worst = 0;
  for (size_t i = 0; i < expected.size(); ++i)
    worst = std::max(worst, std::fabs(actual[i] - expected[i]) /
                                std::fabs(expected[i]) * 256.0);
  // Rounded once: at most 1, and a little for the f32 sum. Measured: 0.98;
  // rounded after each row: 4.5.
  EXPECT_LE(worst, 1.01);
}
