//===- PrimitiveTest.cpp - each primitive against its reference -----------===//
//
// Every routed primitive, forward and backward, compiled alone through
// every stage and run by the runtime, against the C++ reference of its ODS
// description (test/reference): integer results exactly, floats to 1e-5.
// The regularisers' adjoints are checked against central finite
// differences of the regularisers' double-precision references. CVMM and
// its weight gradient are in GemmTest, bernoulli_mask in the runtime's
// CounterRandom tests.
//
//===----------------------------------------------------------------------===//

#include "test/numerics/Harness.h"
#include "test/reference/AdjointReference.h"

#include <gtest/gtest.h>

using namespace sieve;
using namespace sieve::test;
namespace ref = sieve::reference;

namespace {

constexpr int64_t N = 23, E = 7, K = 3;
constexpr double kTolerance = 1e-5;

const char *kModule = R"mlir(
func.func @select(%s: tensor<?x7xf32>, %r: tensor<?x7xf32>, %m: tensor<?x7xi1>) -> (tensor<?x3xi32>, tensor<?x3xf32>, tensor<?x3xi32>, tensor<?x3xf32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %s, %c0 : tensor<?x7xf32>
  %i = tensor.empty(%n) : tensor<?x3xi32>
  %g = tensor.empty(%n) : tensor<?x3xf32>
  %a:2 = sieve.select_experts ins(%s : tensor<?x7xf32>) ranked_by(%r : tensor<?x7xf32>) keep(%m : tensor<?x7xi1>) outs(%i, %g : tensor<?x3xi32>, tensor<?x3xf32>) {k = 3 : i64} -> tensor<?x3xi32>, tensor<?x3xf32>
  %b:2 = sieve.select_experts ins(%s : tensor<?x7xf32>) outs(%i, %g : tensor<?x3xi32>, tensor<?x3xf32>) {k = 3 : i64, renormalize} -> tensor<?x3xi32>, tensor<?x3xf32>
  return %a#0, %a#1, %b#0, %b#1 : tensor<?x3xi32>, tensor<?x3xf32>, tensor<?x3xi32>, tensor<?x3xf32>
}
func.func @sinkhorn(%z: tensor<?x7xf32>) -> tensor<?x7xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %z, %c0 : tensor<?x7xf32>
  %e = tensor.empty(%n) : tensor<?x7xf32>
  %r = sieve.sinkhorn ins(%z : tensor<?x7xf32>) outs(%e : tensor<?x7xf32>) {iterations = 3 : i64} -> tensor<?x7xf32>
  return %r : tensor<?x7xf32>
}
func.func @dispatch(%x: tensor<?x3xi32>) -> (tensor<?xi32>, tensor<8xi32>) {
  %c0 = arith.constant 0 : index
  %c3 = arith.constant 3 : index
  %n = tensor.dim %x, %c0 : tensor<?x3xi32>
  %p = arith.muli %n, %c3 : index
  %e = tensor.empty(%p) : tensor<?xi32>
  %o = tensor.empty() : tensor<8xi32>
  %r:2 = sieve.dispatch ins(%x : tensor<?x3xi32>) outs(%e, %o : tensor<?xi32>, tensor<8xi32>) {num_experts = 7 : i64} -> tensor<?xi32>, tensor<8xi32>
  return %r#0, %r#1 : tensor<?xi32>, tensor<8xi32>
}
func.func @topk(%u: tensor<?x7xf32>) -> (tensor<?x3xf32>, tensor<?x3xi32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %u, %c0 : tensor<?x7xf32>
  %v = tensor.empty(%n) : tensor<?x3xf32>
  %i = tensor.empty(%n) : tensor<?x3xi32>
  %r:2 = sieve.topk ins(%u : tensor<?x7xf32>) outs(%v, %i : tensor<?x3xf32>, tensor<?x3xi32>) {k = 3 : i64} -> tensor<?x3xf32>, tensor<?x3xi32>
  return %r#0, %r#1 : tensor<?x3xf32>, tensor<?x3xi32>
}
func.func @product_keys(%a: tensor<?x2x6xf32>, %b: tensor<?x2x6xf32>) -> (tensor<?x2x3xf32>, tensor<?x2x3xi32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?x2x6xf32>
  %v = tensor.empty(%n) : tensor<?x2x3xf32>
  %i = tensor.empty(%n) : tensor<?x2x3xi32>
  %r:2 = sieve.product_key_topk ins(%a, %b : tensor<?x2x6xf32>, tensor<?x2x6xf32>) outs(%v, %i : tensor<?x2x3xf32>, tensor<?x2x3xi32>) {k = 3 : i64} -> tensor<?x2x3xf32>, tensor<?x2x3xi32>
  return %r#0, %r#1 : tensor<?x2x3xf32>, tensor<?x2x3xi32>
}
func.func @gather_sum(%w: tensor<?x3xf32>, %i: tensor<?x3xi32>, %t: tensor<11x5xf32>) -> tensor<?x5xf32> {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0.0 : f32
  %n = tensor.dim %w, %c0 : tensor<?x3xf32>
  %e = tensor.empty(%n) : tensor<?x5xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<?x5xf32>) -> tensor<?x5xf32>
  %r = sieve.gather_sum ins(%w, %i, %t : tensor<?x3xf32>, tensor<?x3xi32>, tensor<11x5xf32>) outs(%f : tensor<?x5xf32>) -> tensor<?x5xf32>
  return %r : tensor<?x5xf32>
}
func.func @regularizers(%z: tensor<?x7xf32>, %x: tensor<?x3xi32>) -> (tensor<f32>, tensor<f32>) {
  %e = tensor.empty() : tensor<f32>
  %a = sieve.entropy_reg ins(%z : tensor<?x7xf32>) outs(%e : tensor<f32>) {weight = 0.5 : f64} -> tensor<f32>
  %b = sieve.switch_reg ins(%z, %x : tensor<?x7xf32>, tensor<?x3xi32>) outs(%e : tensor<f32>) {weight = 0.5 : f64} -> tensor<f32>
  return %a, %b : tensor<f32>, tensor<f32>
}
func.func @word_route(%ids: tensor<?xi32>) -> (tensor<?x1xi32>, tensor<?x1xi32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %ids, %c0 : tensor<?xi32>
  %e = tensor.empty(%n) : tensor<?x1xi32>
  %r:2 = sieve.word_route ins(%ids : tensor<?xi32>) outs(%e, %e : tensor<?x1xi32>, tensor<?x1xi32>) {num_unrouted = 2 : i64, buckets = [#sieve.bucket<routing_ids = 4, blocks = 4, experts_per_block = 1, expert_size = 8>, #sieve.bucket<routing_ids = 9, blocks = 1, experts_per_block = 3, expert_size = 4>]} -> tensor<?x1xi32>, tensor<?x1xi32>
  return %r#0, %r#1 : tensor<?x1xi32>, tensor<?x1xi32>
}
func.func @select_grad(%s: tensor<?x7xf32>, %i: tensor<?x3xi32>, %g: tensor<?x3xf32>, %m: tensor<?x7xi1>) -> (tensor<?x7xf32>, tensor<?x7xf32>) {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0.0 : f32
  %n = tensor.dim %s, %c0 : tensor<?x7xf32>
  %e = tensor.empty(%n) : tensor<?x7xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<?x7xf32>) -> tensor<?x7xf32>
  %a = sieve.select_grad ins(%s, %i, %g : tensor<?x7xf32>, tensor<?x3xi32>, tensor<?x3xf32>) keep(%m : tensor<?x7xi1>) outs(%f : tensor<?x7xf32>) -> tensor<?x7xf32>
  %b = sieve.select_grad ins(%s, %i, %g : tensor<?x7xf32>, tensor<?x3xi32>, tensor<?x3xf32>) keep(%m : tensor<?x7xi1>) outs(%f : tensor<?x7xf32>) {renormalize} -> tensor<?x7xf32>
  return %a, %b : tensor<?x7xf32>, tensor<?x7xf32>
}
func.func @product_key_grad(%g: tensor<?x2x3xf32>, %i: tensor<?x2x3xi32>) -> (tensor<?x2x6xf32>, tensor<?x2x6xf32>) {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0.0 : f32
  %n = tensor.dim %g, %c0 : tensor<?x2x3xf32>
  %e = tensor.empty(%n) : tensor<?x2x6xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<?x2x6xf32>) -> tensor<?x2x6xf32>
  %r:2 = sieve.product_key_grad ins(%g, %i : tensor<?x2x3xf32>, tensor<?x2x3xi32>) outs(%f, %f : tensor<?x2x6xf32>, tensor<?x2x6xf32>) -> tensor<?x2x6xf32>, tensor<?x2x6xf32>
  return %r#0, %r#1 : tensor<?x2x6xf32>, tensor<?x2x6xf32>
}
func.func @gather_adjoints(%dy: tensor<?x5xf32>, %w: tensor<?x3xf32>, %i: tensor<?x3xi32>, %t: tensor<11x5xf32>) -> (tensor<?x3xf32>, tensor<11x5xf32>) {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0.0 : f32
  %n = tensor.dim %w, %c0 : tensor<?x3xf32>
  %e = tensor.empty(%n) : tensor<?x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<?x3xf32>) -> tensor<?x3xf32>
  %e2 = tensor.empty() : tensor<11x5xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<11x5xf32>) -> tensor<11x5xf32>
  %dw = sieve.gather_dot ins(%dy, %i, %t : tensor<?x5xf32>, tensor<?x3xi32>, tensor<11x5xf32>) outs(%f : tensor<?x3xf32>) -> tensor<?x3xf32>
  %dt = sieve.scatter_sum ins(%w, %i, %dy : tensor<?x3xf32>, tensor<?x3xi32>, tensor<?x5xf32>) outs(%f2 : tensor<11x5xf32>) -> tensor<11x5xf32>
  return %dw, %dt : tensor<?x3xf32>, tensor<11x5xf32>
}
func.func @pair_adjoints(%h: tensor<?x5xf32> {sieve.tokens_multiple = 3 : i64}, %x: tensor<?x5xf32>, %s: tensor<?x3xf32>, %p: tensor<?xi32> {sieve.tokens_multiple = 3 : i64}, %o: tensor<8xi32>) -> (tensor<?x3xf32>, tensor<?x5xf32>, tensor<?x5xf32>) {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0.0 : f32
  %n = tensor.dim %s, %c0 : tensor<?x3xf32>
  %rows = tensor.dim %h, %c0 : tensor<?x5xf32>
  %e = tensor.empty(%n) : tensor<?x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<?x3xf32>) -> tensor<?x3xf32>
  %e2 = tensor.empty(%rows) : tensor<?x5xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<?x5xf32>) -> tensor<?x5xf32>
  %e3 = tensor.empty(%n) : tensor<?x5xf32>
  %f3 = linalg.fill ins(%z : f32) outs(%e3 : tensor<?x5xf32>) -> tensor<?x5xf32>
  %dot = sieve.pair_dot ins(%h, %x, %p, %o : tensor<?x5xf32>, tensor<?x5xf32>, tensor<?xi32>, tensor<8xi32>) outs(%f : tensor<?x3xf32>) {k = 3 : i64, lhs_rows = #sieve.rows<sorted>, rhs_rows = #sieve.rows<token>} -> tensor<?x3xf32>
  %sorted = sieve.scale_rows ins(%x, %s, %p, %o : tensor<?x5xf32>, tensor<?x3xf32>, tensor<?xi32>, tensor<8xi32>) outs(%f2 : tensor<?x5xf32>) {k = 3 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} -> tensor<?x5xf32>
  %tokens = sieve.scale_rows ins(%h, %s, %p, %o : tensor<?x5xf32>, tensor<?x3xf32>, tensor<?xi32>, tensor<8xi32>) outs(%f3 : tensor<?x5xf32>) {k = 3 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>} -> tensor<?x5xf32>
  return %dot, %sorted, %tokens : tensor<?x3xf32>, tensor<?x5xf32>, tensor<?x5xf32>
}
func.func @regularizer_grads(%z: tensor<?x7xf32>, %x: tensor<?x3xi32>, %dl: tensor<f32>) -> (tensor<?x7xf32>, tensor<?x7xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %z, %c0 : tensor<?x7xf32>
  %e = tensor.empty(%n) : tensor<?x7xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x7xf32>) -> tensor<?x7xf32>
  %a = sieve.entropy_reg_grad ins(%z, %dl : tensor<?x7xf32>, tensor<f32>) outs(%f : tensor<?x7xf32>) {weight = 0.5 : f64} -> tensor<?x7xf32>
  %b = sieve.switch_reg_grad ins(%z, %x, %dl : tensor<?x7xf32>, tensor<?x3xi32>, tensor<f32>) outs(%f : tensor<?x7xf32>) {weight = 0.5 : f64} -> tensor<?x7xf32>
  return %a, %b : tensor<?x7xf32>, tensor<?x7xf32>
}
)mlir";

class PrimitiveTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { bundle = compileText(kModule); }
  static void TearDownTestSuite() { bundle.reset(); }
  void SetUp() override { ASSERT_TRUE(bundle) << "the module did not compile"; }

  /// K distinct experts per token in [0, E), some tokens with a -1 slot.
  ref::IVec randomExperts() {
    ref::IVec experts;
    std::vector<int32_t> all = {0, 1, 2, 3, 4, 5, 6};
    for (int64_t t = 0; t < N; ++t) {
      std::shuffle(all.begin(), all.end(), rng);
      experts.insert(experts.end(), all.begin(), all.begin() + K);
    }
    experts[4] = -1; // a pair that is not routed
    return experts;
  }
  std::vector<uint8_t> randomMask() {
    std::vector<uint8_t> mask(N * E);
    for (auto &m : mask)
      m = rng() % 4 != 0;
    return mask;
  }
  runtime::Tensor maskTensor(const std::vector<uint8_t> &mask) {
    runtime::Tensor t(runtime::DType::I1, {N, E});
    std::copy(mask.begin(), mask.end(), static_cast<uint8_t *>(t.raw()));
    return t;
  }

  static std::shared_ptr<runtime::Bundle> bundle;
  std::mt19937 rng{8128};
};
std::shared_ptr<runtime::Bundle> PrimitiveTest::bundle;

TEST_F(PrimitiveTest, SelectExpertsWithRankingMaskAndRenormalization) {
  ref::Vec s = uniform(rng, N * E, 0.0, 1.0), r = uniform(rng, N * E);
  std::vector<uint8_t> keep = randomMask();
  auto ts = f32({N, E}, s), tr = f32({N, E}, r);
  runtime::Tensor tm = maskTensor(keep);
  auto out = run(*bundle, "select", {&ts, &tr, &tm});
  ref::Selection ranked = ref::selectExperts(s, r, keep, N, E, K, false);
  ref::Selection renorm = ref::selectExperts(s, {}, {}, N, E, K, true);
  EXPECT_EQ(toInts(out[0]), ranked.experts);
  EXPECT_LT(relativeError(toDoubles(out[1]), ranked.gates), kTolerance);
  EXPECT_EQ(toInts(out[2]), renorm.experts);
  EXPECT_LT(relativeError(toDoubles(out[3]), renorm.gates), kTolerance);
}

TEST_F(PrimitiveTest, Sinkhorn) {
  ref::Vec z = uniform(rng, N * E, -2.0, 2.0);
  auto tz = f32({N, E}, z);
  EXPECT_LT(relativeError(toDoubles(run(*bundle, "sinkhorn", {&tz})[0]),
                          ref::sinkhorn(z, N, E, 3)),
            kTolerance);
}

TEST_F(PrimitiveTest, DispatchSortsPairsStablyByExpert) {
  ref::IVec experts = randomExperts();
  auto tx = i32({N, K}, experts);
  auto out = run(*bundle, "dispatch", {&tx});
  ref::Dispatch expected = ref::dispatch(experts, N, K, E);
  EXPECT_EQ(toInts(out[0]), expected.sortedPairs);
  EXPECT_EQ(toInts(out[1]), expected.offsets);
}

TEST_F(PrimitiveTest, TopKAndProductKeyTopK) {
  ref::Vec u = uniform(rng, N * E);
  auto tu = f32({N, E}, u);
  auto top = run(*bundle, "topk", {&tu});
  ref::TopK expected = ref::topk(u, N, E, K);
  EXPECT_LT(relativeError(toDoubles(top[0]), expected.values), kTolerance);
  EXPECT_EQ(toInts(top[1]), expected.indices);

  ref::Vec a = uniform(rng, N * 2 * 6), b = uniform(rng, N * 2 * 6);
  auto ta = f32({N, 2, 6}, a), tb = f32({N, 2, 6}, b);
  auto keys = run(*bundle, "product_keys", {&ta, &tb});
  std::vector<double> values = toDoubles(keys[0]);
  std::vector<int32_t> indices = toInts(keys[1]);
  for (int64_t row = 0; row < N * 2; ++row) {
    ref::TopK one = ref::productKeyTopK(
        ref::Vec(a.begin() + row * 6, a.begin() + row * 6 + 6),
        ref::Vec(b.begin() + row * 6, b.begin() + row * 6 + 6), 6, K);
    for (int64_t j = 0; j < K; ++j) {
      EXPECT_EQ(indices[row * K + j], one.indices[j]) << "row " << row;
      EXPECT_NEAR(values[row * K + j], one.values[j], 1e-6);
    }
  }
}

TEST_F(PrimitiveTest, GatherSum) {
  ref::Vec w = uniform(rng, N * K), t = uniform(rng, 11 * 5);
  ref::IVec idx(N * K);
  for (auto &i : idx)
    i = static_cast<int32_t>(rng() % 11);
  auto tw = f32({N, K}, w), tt = f32({11, 5}, t);
  auto ti = i32({N, K}, idx);
  EXPECT_LT(
      relativeError(toDoubles(run(*bundle, "gather_sum", {&tw, &ti, &tt})[0]),
                    ref::gatherSum(w, idx, t, N, K, 5)),
      kTolerance);
}

TEST_F(PrimitiveTest, EntropyAndSwitchRegularizers) {
  ref::Vec z = uniform(rng, N * E, -2.0, 2.0);
  ref::IVec experts = randomExperts();
  auto tz = f32({N, E}, z);
  auto tx = i32({N, K}, experts);
  auto out = run(*bundle, "regularizers", {&tz, &tx});
  double entropy = ref::entropyReg(z, N, E, 0.5);
  double balance = ref::switchReg(z, experts, N, E, K, 0.5);
  EXPECT_NEAR(out[0].data<float>()[0], entropy, kTolerance * std::abs(entropy));
  EXPECT_NEAR(out[1].data<float>()[0], balance, kTolerance * std::abs(balance));
}

TEST_F(PrimitiveTest, WordRoute) {
  ref::IVec ids(N);
  for (auto &id : ids)
    id = static_cast<int32_t>(rng() % 17); // past the 15 ids too
  auto tids = i32({N}, ids);
  auto out = run(*bundle, "word_route", {&tids});
  std::vector<ref::IVec> expected =
      ref::wordRoute(ids, 2, {{4, 4, 8}, {9, 3, 4}});
  EXPECT_EQ(toInts(out[0]), expected[0]);
  EXPECT_EQ(toInts(out[1]), expected[1]);
}

TEST_F(PrimitiveTest, SelectGradThroughMaskAndRenormalization) {
  ref::Vec s = uniform(rng, N * E, 0.0, 1.0), g = uniform(rng, N * K);
  ref::IVec idx = ref::topk(s, N, E, K).indices;
  std::vector<uint8_t> keep = randomMask();
  auto ts = f32({N, E}, s), tg = f32({N, K}, g);
  auto ti = i32({N, K}, idx);
  runtime::Tensor tm = maskTensor(keep);
  auto out = run(*bundle, "select_grad", {&ts, &ti, &tg, &tm});
  EXPECT_LT(relativeError(toDoubles(out[0]),
                          ref::selectGrad(s, idx, g, keep, N, E, K, false)),
            kTolerance);
  EXPECT_LT(relativeError(toDoubles(out[1]),
                          ref::selectGrad(s, idx, g, keep, N, E, K, true)),
            kTolerance);
}

TEST_F(PrimitiveTest, ProductKeyGrad) {
  ref::Vec g = uniform(rng, N * 2 * K);
  ref::IVec idx(N * 2 * K);
  for (auto &i : idx)
    i = static_cast<int32_t>(rng() % 36);
  idx[5] = 36; // out of range: skipped
  auto tg = f32({N, 2, K}, g);
  auto ti = i32({N, 2, K}, idx);
  auto out = run(*bundle, "product_key_grad", {&tg, &ti});
  auto [da, db] = ref::productKeyGrad(g, idx, N, 2, K, 6);
  EXPECT_LT(relativeError(toDoubles(out[0]), da), kTolerance);
  EXPECT_LT(relativeError(toDoubles(out[1]), db), kTolerance);
}

TEST_F(PrimitiveTest, GatherDotAndScatterSum) {
  ref::Vec dy = uniform(rng, N * 5), w = uniform(rng, N * K),
           t = uniform(rng, 11 * 5);
  ref::IVec idx(N * K);
  for (auto &i : idx)
    i = static_cast<int32_t>(rng() % 11); // rows repeat: sums collide
  auto tdy = f32({N, 5}, dy), tw = f32({N, K}, w), tt = f32({11, 5}, t);
  auto ti = i32({N, K}, idx);
  auto out = run(*bundle, "gather_adjoints", {&tdy, &tw, &ti, &tt});
  EXPECT_LT(
      relativeError(toDoubles(out[0]), ref::gatherDot(dy, idx, t, N, K, 5)),
      kTolerance);
  EXPECT_LT(relativeError(toDoubles(out[1]),
                          ref::scatterSum(w, idx, dy, N, K, 5, 11)),
            kTolerance);
}

TEST_F(PrimitiveTest, PairDotAndScaleRows) {
  ref::IVec experts = randomExperts();
  ref::Dispatch d = ref::dispatch(experts, N, K, E);
  ref::Vec h = uniform(rng, N * K * 5), x = uniform(rng, N * 5),
           s = uniform(rng, N * K);
  auto th = f32({N * K, 5}, h), tx = f32({N, 5}, x), ts = f32({N, K}, s);
  auto tp = i32({N * K}, d.sortedPairs), to = i32({E + 1}, d.offsets);
  auto out = run(*bundle, "pair_adjoints", {&th, &tx, &ts, &tp, &to});
  EXPECT_LT(relativeError(toDoubles(out[0]),
                          ref::pairDot(h, x, d, K, 5, true, false)),
            kTolerance);
  // Rows past offsets[N_E] (the unrouted pair) stay zero.
  EXPECT_LT(relativeError(toDoubles(out[1]),
                          ref::scaleRows(x, s, d, K, 5, false, true)),
            kTolerance);
  EXPECT_LT(relativeError(toDoubles(out[2]),
                          ref::scaleRows(h, s, d, K, 5, true, false)),
            kTolerance);
}

TEST_F(PrimitiveTest, RegularizerGradientsMatchFiniteDifferences) {
  ref::Vec z = uniform(rng, N * E, -2.0, 2.0);
  ref::IVec experts = randomExperts();
  auto tz = f32({N, E}, z);
  auto tx = i32({N, K}, experts);
  runtime::Tensor dl = f32({}, {0.75});
  auto out = run(*bundle, "regularizer_grads", {&tz, &tx, &dl});
  const double h = 1e-6;
  ref::Vec entropy(N * E), balance(N * E);
  for (int64_t i = 0; i < N * E; ++i) {
    ref::Vec plus = z, minus = z;
    plus[i] += h;
    minus[i] -= h;
    entropy[i] =
        0.75 *
        (ref::entropyReg(plus, N, E, 0.5) - ref::entropyReg(minus, N, E, 0.5)) /
        (2 * h);
    balance[i] = 0.75 *
                 (ref::switchReg(plus, experts, N, E, K, 0.5) -
                  ref::switchReg(minus, experts, N, E, K, 0.5)) /
                 (2 * h);
  }
  EXPECT_LT(relativeError(toDoubles(out[0]), entropy), 1e-4);
  EXPECT_LT(relativeError(toDoubles(out[1]), balance), 1e-4);
}

// Switch's routed fractions are counted per chunk of 256 tokens in parallel:
// over 700 tokens (two whole chunks and a part), with ids outside [0, N_E)
// that count for no expert, the loss and its gradient still match the plain
// reference and its finite differences.
TEST_F(PrimitiveTest, SwitchRegularizerOverSeveralTokenChunks) {
  constexpr int64_t tokens = 700;
  ref::Vec z = uniform(rng, tokens * E, -2.0, 2.0);
  ref::IVec experts(tokens * K);
  std::uniform_int_distribution<int32_t> id(-1, E);
  for (int32_t &e : experts)
    e = id(rng);
  auto tz = f32({tokens, E}, z);
  auto tx = i32({tokens, K}, experts);
  auto forward = run(*bundle, "regularizers", {&tz, &tx});
  double balance = ref::switchReg(z, experts, tokens, E, K, 0.5);
  EXPECT_NEAR(forward[1].data<float>()[0], balance,
              kTolerance * std::abs(balance));
  runtime::Tensor dl = f32({}, {0.75});
  auto grads = run(*bundle, "regularizer_grads", {&tz, &tx, &dl});
  const double h = 1e-4;
  ref::Vec expected(tokens * E);
  for (int64_t i = 0; i < tokens * E; ++i) {
    ref::Vec plus = z, minus = z;
    plus[i] += h;
    minus[i] -= h;
    expected[i] = 0.75 *
                  (ref::switchReg(plus, experts, tokens, E, K, 0.5) -
                   ref::switchReg(minus, experts, tokens, E, K, 0.5)) /
                  (2 * h);
  }
  EXPECT_LT(relativeError(toDoubles(grads[1]), expected), 1e-4);
}

} // namespace
