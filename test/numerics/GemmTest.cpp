//===- GemmTest.cpp - the tiled GEMM kernels at awkward sizes -------------===//
//
// sieve-convert-gemms-to-vector blocks reductions by 256 steps and rows by
// 96, tiles 6 x 16 with 1-row, 8-column and scalar remainders, and splits
// token-row CVMM outputs into 128-column chunks. These sizes cross every
// one of those boundaries; each kernel is checked against the C++
// reference (relative error 1e-5).
//
//===----------------------------------------------------------------------===//

#include "test/numerics/Harness.h"

#include <gtest/gtest.h>

#include <numeric>

using namespace sieve;
using namespace sieve::test;
namespace ref = sieve::reference;

namespace {

constexpr double kTolerance = 1e-5;
// Rows (203 = 2 row blocks + 11, tiles of 6 + 5), reduction (300 = 256 +
// 44), columns (41 = 2 panels + 8 + 1; 150 = 1 column chunk + 22).
constexpr int64_t M = 203, K = 300, N = 41, Wide = 150;

const char *kModule = R"mlir(
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#at = affine_map<(d0, d1, d2) -> (d2, d0)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#bt = affine_map<(d0, d1, d2) -> (d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @plain(%a: tensor<203x300xf32>, %b: tensor<300x41xf32>) -> tensor<203x41xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<203x41xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<203x41xf32>) -> tensor<203x41xf32>
  %r = linalg.matmul ins(%a, %b : tensor<203x300xf32>, tensor<300x41xf32>) outs(%i : tensor<203x41xf32>) -> tensor<203x41xf32>
  return %r : tensor<203x41xf32>
}
func.func @transposed_a(%a: tensor<300x203xf32>, %b: tensor<300x41xf32>) -> tensor<203x41xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<203x41xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<203x41xf32>) -> tensor<203x41xf32>
  %r = linalg.matmul indexing_maps = [#at, #b, #c] ins(%a, %b : tensor<300x203xf32>, tensor<300x41xf32>) outs(%i : tensor<203x41xf32>) -> tensor<203x41xf32>
  return %r : tensor<203x41xf32>
}
func.func @transposed_b(%a: tensor<203x300xf32>, %b: tensor<41x300xf32>) -> tensor<203x41xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<203x41xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<203x41xf32>) -> tensor<203x41xf32>
  %r = linalg.matmul indexing_maps = [#a, #bt, #c] ins(%a, %b : tensor<203x300xf32>, tensor<41x300xf32>) outs(%i : tensor<203x41xf32>) -> tensor<203x41xf32>
  return %r : tensor<203x41xf32>
}
func.func @cvmm_up(%x: tensor<?x300xf32>, %w: tensor<5x300x150xf32>, %p: tensor<?xi32> {sieve.tokens_multiple = 3 : i64}, %o: tensor<6xi32>) -> tensor<?x150xf32> {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0.0 : f32
  %rows = tensor.dim %p, %c0 : tensor<?xi32>
  %e = tensor.empty(%rows) : tensor<?x150xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<?x150xf32>) -> tensor<?x150xf32>
  %r = sieve.cvmm ins(%x, %w, %p, %o : tensor<?x300xf32>, tensor<5x300x150xf32>, tensor<?xi32>, tensor<6xi32>) outs(%i : tensor<?x150xf32>) {k = 3 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} -> tensor<?x150xf32>
  return %r : tensor<?x150xf32>
}
func.func @cvmm_down_transposed(%h: tensor<?x300xf32> {sieve.tokens_multiple = 3 : i64}, %w: tensor<5x150x300xf32>, %s: tensor<?x3xf32>, %p: tensor<?xi32> {sieve.tokens_multiple = 3 : i64}, %o: tensor<6xi32>) -> tensor<?x150xf32> {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0.0 : f32
  %n = tensor.dim %s, %c0 : tensor<?x3xf32>
  %e = tensor.empty(%n) : tensor<?x150xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<?x150xf32>) -> tensor<?x150xf32>
  %r = sieve.cvmm ins(%h, %w, %p, %o : tensor<?x300xf32>, tensor<5x150x300xf32>, tensor<?xi32>, tensor<6xi32>) scale(%s : tensor<?x3xf32>) outs(%i : tensor<?x150xf32>) {k = 3 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>, transpose_weight} -> tensor<?x150xf32>
  return %r : tensor<?x150xf32>
}
func.func @weight_grad(%x: tensor<?x300xf32>, %g: tensor<?x150xf32> {sieve.tokens_multiple = 3 : i64}, %s: tensor<?x3xf32>, %p: tensor<?xi32> {sieve.tokens_multiple = 3 : i64}, %o: tensor<6xi32>) -> tensor<5x300x150xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<5x300x150xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<5x300x150xf32>) -> tensor<5x300x150xf32>
  %r = sieve.cvmm_weight_grad ins(%x, %g, %p, %o : tensor<?x300xf32>, tensor<?x150xf32>, tensor<?xi32>, tensor<6xi32>) scale(%s : tensor<?x3xf32>) outs(%i : tensor<5x300x150xf32>) {k = 3 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>} -> tensor<5x300x150xf32>
  return %r : tensor<5x300x150xf32>
}
)mlir";

class GemmTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { bundle = compileText(kModule); }
  static void TearDownTestSuite() { bundle.reset(); }
  void SetUp() override { ASSERT_TRUE(bundle) << "the module did not compile"; }

  static std::shared_ptr<runtime::Bundle> bundle;
  std::mt19937 rng{1729};
};
std::shared_ptr<runtime::Bundle> GemmTest::bundle;

ref::Vec transpose(const ref::Vec &m, int64_t rows, int64_t columns) {
  ref::Vec t(m.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < columns; ++c)
      t[c * rows + r] = m[r * columns + c];
  return t;
}

TEST_F(GemmTest, MatmulInEveryLayout) {
  ref::Vec a = uniform(rng, M * K), b = uniform(rng, K * N);
  ref::Vec expected = ref::matmul(a, b, M, K, N);
  auto ta = f32({M, K}, a), tb = f32({K, N}, b);
  auto taT = f32({K, M}, transpose(a, M, K));
  auto tbT = f32({N, K}, transpose(b, K, N));
  EXPECT_LT(
      relativeError(toDoubles(run(*bundle, "plain", {&ta, &tb})[0]), expected),
      kTolerance);
  EXPECT_LT(
      relativeError(toDoubles(run(*bundle, "transposed_a", {&taT, &tb})[0]),
                    expected),
      kTolerance);
  EXPECT_LT(
      relativeError(toDoubles(run(*bundle, "transposed_b", {&ta, &tbT})[0]),
                    expected),
      kTolerance);
}

/// 61 tokens routed to 3 of 5 experts, one expert left empty.
struct Routing {
  int64_t tokens = 61, k = 3, experts = 5;
  ref::IVec choice;
  ref::Dispatch dispatch;
  explicit Routing(std::mt19937 &rng) {
    std::vector<int32_t> used = {0, 1, 2, 4};
    for (int64_t t = 0; t < tokens; ++t) {
      std::shuffle(used.begin(), used.end(), rng);
      choice.insert(choice.end(), used.begin(), used.begin() + k);
    }
    dispatch = ref::dispatch(choice, tokens, k, experts);
  }
  runtime::Tensor pairs() const {
    return i32({tokens * k}, dispatch.sortedPairs);
  }
  runtime::Tensor offsets() const {
    return i32({experts + 1}, dispatch.offsets);
  }
};

TEST_F(GemmTest, CvmmGathersIntoSortedRows) {
  Routing routing(rng);
  ref::Vec x = uniform(rng, routing.tokens * K);
  ref::Vec w = uniform(rng, 5 * K * Wide);
  auto tx = f32({routing.tokens, K}, x), tw = f32({5, K, Wide}, w);
  auto tp = routing.pairs(), to = routing.offsets();
  ref::CvmmArgs args{&x,    &w,   nullptr, &routing.dispatch, 3, 5, K, Wide,
                     false, true, false};
  EXPECT_LT(
      relativeError(toDoubles(run(*bundle, "cvmm_up", {&tx, &tw, &tp, &to})[0]),
                    ref::cvmm(args)),
      kTolerance);
}

TEST_F(GemmTest, CvmmScatterAddsScaledRowsIntoTokens) {
  Routing routing(rng);
  ref::Vec h = uniform(rng, routing.tokens * 3 * K);
  ref::Vec w = uniform(rng, 5 * Wide * K);
  ref::Vec s = uniform(rng, routing.tokens * 3);
  auto th = f32({routing.tokens * 3, K}, h), tw = f32({5, Wide, K}, w);
  auto ts = f32({routing.tokens, 3}, s);
  auto tp = routing.pairs(), to = routing.offsets();
  ref::CvmmArgs args{&h,   &w,    &s,  &routing.dispatch, 3, 5, K, Wide,
                     true, false, true};
  EXPECT_LT(relativeError(toDoubles(run(*bundle, "cvmm_down_transposed",
                                        {&th, &tw, &ts, &tp, &to})[0]),
                          ref::cvmm(args)),
            kTolerance);
}

TEST_F(GemmTest, CvmmWeightGradientReducesEachExpertsRows) {
  Routing routing(rng);
  ref::Vec x = uniform(rng, routing.tokens * K);
  ref::Vec g = uniform(rng, routing.tokens * 3 * Wide);
  ref::Vec s = uniform(rng, routing.tokens * 3);
  auto tx = f32({routing.tokens, K}, x);
  auto tg = f32({routing.tokens * 3, Wide}, g);
  auto ts = f32({routing.tokens, 3}, s);
  auto tp = routing.pairs(), to = routing.offsets();
  ref::Vec expected = ref::cvmmWeightGrad(x, g, s, routing.dispatch, 3, 5, K,
                                          Wide, false, true);
  std::vector<double> actual =
      toDoubles(run(*bundle, "weight_grad", {&tx, &tg, &ts, &tp, &to})[0]);
  EXPECT_LT(relativeError(actual, expected), kTolerance);
  // The expert no pair was routed to gets nothing.
  for (int64_t i = 3 * K * Wide; i < 4 * K * Wide; ++i)
    ASSERT_EQ(actual[i], 0.0);
}

} // namespace
