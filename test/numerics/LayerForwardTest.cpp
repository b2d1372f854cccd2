//===- LayerForwardTest.cpp - compiled layers against the C++ reference ---===//
//
// Every layer op, compiled for the host through every stage and run by the
// runtime, agrees with the plain C++ reference to a relative error of 1e-5
// in fp32, with a token count (37) that divides nothing.
//
//===----------------------------------------------------------------------===//

#include "test/numerics/Harness.h"

#include "runtime/Random/CounterRandom.h"

#include <gtest/gtest.h>

using namespace sieve;
using namespace sieve::test;
namespace ref = sieve::reference;

namespace {

constexpr int64_t N = 37, D = 16;
constexpr double kTolerance = 1e-5;

const char *kLayers = R"mlir(
func.func @dense(%x: tensor<?x16xf32>, %w1: tensor<16x48xf32>, %w2: tensor<48x16xf32>) -> tensor<?x16xf32> {
  %y = sieve.dense_ffn %x, %w1, %w2 : (tensor<?x16xf32>, tensor<16x48xf32>, tensor<48x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
func.func @topk(%x: tensor<?x16xf32>, %w1: tensor<16x48xf32>, %w2: tensor<48x16xf32>) -> tensor<?x16xf32> {
  %y = sieve.topk_ffn %x, %w1, %w2 {k = 5 : i64} : (tensor<?x16xf32>, tensor<16x48xf32>, tensor<48x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
func.func @pkm_relu(%x: tensor<?x16xf32>, %ka: tensor<8x2x5xf32>, %kb: tensor<8x2x5xf32>, %v: tensor<25x16xf32>) -> tensor<?x16xf32> {
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 5 : i64, heads = 2 : i64, k = 3 : i64, activation = #sieve.pkm_activation<relu>} : (tensor<?x16xf32>, tensor<8x2x5xf32>, tensor<8x2x5xf32>, tensor<25x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
func.func @pkm_softmax(%x: tensor<?x16xf32>, %ka: tensor<8x2x5xf32>, %kb: tensor<8x2x5xf32>, %v: tensor<25x16xf32>) -> tensor<?x16xf32> {
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 5 : i64, heads = 2 : i64, k = 3 : i64, activation = #sieve.pkm_activation<softmax>} : (tensor<?x16xf32>, tensor<8x2x5xf32>, tensor<8x2x5xf32>, tensor<25x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
func.func @sigma_moe(%x: tensor<?x16xf32>, %w1: tensor<8x16x6xf32>, %w2: tensor<8x6x16xf32>, %w3: tensor<16x8xf32>) -> (tensor<?x16xf32>, tensor<f32>) {
  %y, %r = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 8 : i64, expert_size = 6 : i64, k = 3 : i64, selection_activation = #sieve.selection_activation<sigmoid>, regularizer = #sieve.regularizer<entropy>, regularizer_weight = 0.01} : (tensor<?x16xf32>, tensor<8x16x6xf32>, tensor<8x6x16xf32>, tensor<16x8xf32>) -> (tensor<?x16xf32>, tensor<f32>)
  return %y, %r : tensor<?x16xf32>, tensor<f32>
}
func.func @sigma_moe_dropout(%x: tensor<?x16xf32>, %w1: tensor<8x16x6xf32>, %w2: tensor<8x6x16xf32>, %w3: tensor<16x8xf32>, %seed: i64) -> tensor<?x16xf32> {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 seed(%seed) {num_experts = 8 : i64, expert_size = 6 : i64, k = 3 : i64, selection_activation = #sieve.selection_activation<sigmoid>, expert_dropout = 0.25, train} : (tensor<?x16xf32>, tensor<8x16x6xf32>, tensor<8x6x16xf32>, tensor<16x8xf32>, i64) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
func.func @switch(%x: tensor<?x16xf32>, %w1: tensor<4x16x12xf32>, %w2: tensor<4x12x16xf32>, %w3: tensor<16x4xf32>) -> (tensor<?x16xf32>, tensor<f32>) {
  %y, %r = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 12 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<softmax>, regularizer = #sieve.regularizer<switch>, regularizer_weight = 0.01, train} : (tensor<?x16xf32>, tensor<4x16x12xf32>, tensor<4x12x16xf32>, tensor<16x4xf32>) -> (tensor<?x16xf32>, tensor<f32>)
  return %y, %r : tensor<?x16xf32>, tensor<f32>
}
func.func @s_base(%x: tensor<?x16xf32>, %w1: tensor<8x16x6xf32>, %w2: tensor<8x6x16xf32>, %w3: tensor<16x8xf32>) -> tensor<?x16xf32> {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 8 : i64, expert_size = 6 : i64, k = 2 : i64, selection_activation = #sieve.selection_activation<sigmoid>, selection = #sieve.selection<sinkhorn>, train} : (tensor<?x16xf32>, tensor<8x16x6xf32>, tensor<8x6x16xf32>, tensor<16x8xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
func.func @softmax_renorm(%x: tensor<?x16xf32>, %w1: tensor<8x16x6xf32>, %w2: tensor<8x6x16xf32>, %w3: tensor<16x8xf32>) -> tensor<?x16xf32> {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 8 : i64, expert_size = 6 : i64, k = 3 : i64, selection_activation = #sieve.selection_activation<softmax_renorm>} : (tensor<?x16xf32>, tensor<8x16x6xf32>, tensor<8x6x16xf32>, tensor<16x8xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
func.func @mowe(%x: tensor<?x16xf32>, %ids: tensor<?xi32>, %w1a: tensor<5x16x8xf32>, %w2a: tensor<5x8x16xf32>, %w1b: tensor<4x16x4xf32>, %w2b: tensor<4x4x16xf32>) -> tensor<?x16xf32> {
  %y = sieve.mowe_ffn %x, %ids, %w1a, %w2a, %w1b, %w2b {routing_vocab_size = 28 : i64, num_unrouted = 3 : i64,
      buckets = [#sieve.bucket<routing_ids = 5, blocks = 5, experts_per_block = 1, expert_size = 8>,
                 #sieve.bucket<routing_ids = 20, blocks = 2, experts_per_block = 2, expert_size = 4>]}
      : (tensor<?x16xf32>, tensor<?xi32>, tensor<5x16x8xf32>, tensor<5x8x16xf32>, tensor<4x16x4xf32>, tensor<4x4x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
)mlir";

class LayerForwardTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { bundle = compileText(kLayers); }
  static void TearDownTestSuite() { bundle.reset(); }

  void SetUp() override { ASSERT_TRUE(bundle) << "the layers did not compile"; }

  static std::shared_ptr<runtime::Bundle> bundle;
  std::mt19937 rng{20231022};
};
std::shared_ptr<runtime::Bundle> LayerForwardTest::bundle;

/// Runs an MoE function whose weights are (E x D x G, E x G x D, D x E).
struct MoeWeights {
  ref::Vec x, w1, w2, w3;
  runtime::Tensor tx, tw1, tw2, tw3;
  MoeWeights(std::mt19937 &rng, int64_t e, int64_t g)
      : x(uniform(rng, N * D)), w1(uniform(rng, e * D * g)),
        w2(uniform(rng, e * g * D)), w3(uniform(rng, D * e)),
        tx(f32({N, D}, x)), tw1(f32({e, D, g}, w1)), tw2(f32({e, g, D}, w2)),
        tw3(f32({D, e}, w3)) {}
  std::vector<const runtime::Tensor *> inputs() const {
    return {&tx, &tw1, &tw2, &tw3};
  }
};

TEST_F(LayerForwardTest, DenseFfn) {
  auto x = uniform(rng, N * D), w1 = uniform(rng, D * 48),
       w2 = uniform(rng, 48 * D);
  auto tx = f32({N, D}, x), tw1 = f32({D, 48}, w1), tw2 = f32({48, D}, w2);
  auto out = run(*bundle, "dense", {&tx, &tw1, &tw2});
  EXPECT_LT(
      relativeError(toDoubles(out[0]), ref::denseFfn(x, w1, w2, N, D, 48)),
      kTolerance);
}

TEST_F(LayerForwardTest, TopKFfn) {
  auto x = uniform(rng, N * D), w1 = uniform(rng, D * 48),
       w2 = uniform(rng, 48 * D);
  auto tx = f32({N, D}, x), tw1 = f32({D, 48}, w1), tw2 = f32({48, D}, w2);
  auto out = run(*bundle, "topk", {&tx, &tw1, &tw2});
  EXPECT_LT(
      relativeError(toDoubles(out[0]), ref::topkFfn(x, w1, w2, N, D, 48, 5)),
      kTolerance);
}

TEST_F(LayerForwardTest, PkmFfnReluAndSoftmax) {
  auto x = uniform(rng, N * D), ka = uniform(rng, 8 * 2 * 5),
       kb = uniform(rng, 8 * 2 * 5), v = uniform(rng, 25 * D);
  auto tx = f32({N, D}, x), tka = f32({8, 2, 5}, ka), tkb = f32({8, 2, 5}, kb),
       tv = f32({25, D}, v);
  for (bool softmax : {false, true}) {
    auto out = run(*bundle, softmax ? "pkm_softmax" : "pkm_relu",
                   {&tx, &tka, &tkb, &tv});
    EXPECT_LT(relativeError(toDoubles(out[0]),
                            ref::pkmFfn(x, ka, kb, v, N, D, 2, 5, 3, softmax)),
              kTolerance)
        << (softmax ? "softmax" : "relu");
  }
}

TEST_F(LayerForwardTest, SigmaMoeWithEntropyRegularizer) {
  MoeWeights w(rng, 8, 6);
  auto out = run(*bundle, "sigma_moe", w.inputs());
  ref::MoeConfig config{D, 8, 6, 3};
  config.reg = ref::Reg::Entropy;
  config.gamma = 0.01;
  ref::MoeOutput expected = ref::moeFfn(w.x, w.w1, w.w2, w.w3, {}, N, config);
  EXPECT_LT(relativeError(toDoubles(out[0]), expected.y), kTolerance);
  EXPECT_NEAR(out[1].data<float>()[0], expected.aux,
              kTolerance * std::abs(expected.aux));
}

TEST_F(LayerForwardTest, SigmaMoeExpertDropoutUsesTheSeededMask) {
  MoeWeights w(rng, 8, 6);
  const int64_t seed = 1234567;
  auto out = run(*bundle, "sigma_moe_dropout", w.inputs(), {seed});
  // The mask of sieve.bernoulli_mask: keep with p = 1 - δ, stream 0.
  std::vector<bool> bits = runtime::bernoulliMask(seed, 0, N * 8, 0.75);
  std::vector<uint8_t> keep(bits.begin(), bits.end());
  ref::MoeConfig config{D, 8, 6, 3};
  config.train = true;
  EXPECT_LT(
      relativeError(toDoubles(out[0]),
                    ref::moeFfn(w.x, w.w1, w.w2, w.w3, keep, N, config).y),
      kTolerance);
  // A different seed drops different experts.
  auto other = run(*bundle, "sigma_moe_dropout", w.inputs(), {seed + 1});
  EXPECT_GT(relativeError(toDoubles(other[0]), toDoubles(out[0])), 1e-3);
}

TEST_F(LayerForwardTest, SwitchWithLoadBalancingLoss) {
  MoeWeights w(rng, 4, 12);
  auto out = run(*bundle, "switch", w.inputs());
  ref::MoeConfig config{D, 4, 12, 1};
  config.gate = ref::Gate::Softmax;
  config.reg = ref::Reg::Switch;
  config.gamma = 0.01;
  config.train = true;
  ref::MoeOutput expected = ref::moeFfn(w.x, w.w1, w.w2, w.w3, {}, N, config);
  EXPECT_LT(relativeError(toDoubles(out[0]), expected.y), kTolerance);
  EXPECT_NEAR(out[1].data<float>()[0], expected.aux,
              kTolerance * std::abs(expected.aux));
}

TEST_F(LayerForwardTest, SBaseRanksBySinkhornInTraining) {
  MoeWeights w(rng, 8, 6);
  auto out = run(*bundle, "s_base", w.inputs());
  ref::MoeConfig config{D, 8, 6, 2};
  config.sinkhorn = true;
  config.train = true;
  EXPECT_LT(relativeError(toDoubles(out[0]),
                          ref::moeFfn(w.x, w.w1, w.w2, w.w3, {}, N, config).y),
            kTolerance);
}

TEST_F(LayerForwardTest, SoftmaxRenormalizedAfterTopK) {
  MoeWeights w(rng, 8, 6);
  auto out = run(*bundle, "softmax_renorm", w.inputs());
  ref::MoeConfig config{D, 8, 6, 3};
  config.gate = ref::Gate::SoftmaxRenorm;
  EXPECT_LT(relativeError(toDoubles(out[0]),
                          ref::moeFfn(w.x, w.w1, w.w2, w.w3, {}, N, config).y),
            kTolerance);
}

TEST_F(LayerForwardTest, MoweRoutesByRoutingId) {
  auto x = uniform(rng, N * D);
  std::vector<int32_t> ids(N);
  std::uniform_int_distribution<int32_t> id(0, 27);
  for (int32_t &v : ids)
    v = id(rng);
  ids[0] = 0;  // an unrouted id
  ids[1] = 27; // the last id of the vocabulary
  std::vector<ref::Vec> weights = {
      uniform(rng, 5 * D * 8), uniform(rng, 5 * 8 * D), uniform(rng, 4 * D * 4),
      uniform(rng, 4 * 4 * D)};
  auto tx = f32({N, D}, x), tids = i32({N}, ids);
  auto t1a = f32({5, D, 8}, weights[0]), t2a = f32({5, 8, D}, weights[1]);
  auto t1b = f32({4, D, 4}, weights[2]), t2b = f32({4, 4, D}, weights[3]);
  auto out = run(*bundle, "mowe", {&tx, &tids, &t1a, &t2a, &t1b, &t2b});
  std::vector<ref::Bucket> buckets = {{5, 5, 8}, {20, 4, 4}};
  ref::Vec expected = ref::moweFfn(x, ids, weights, N, D, 3, buckets);
  EXPECT_LT(relativeError(toDoubles(out[0]), expected), kTolerance);
  for (int64_t c = 0; c < D; ++c)
    EXPECT_EQ(out[0].data<float>()[c], 0.0f) << "unrouted token 0";
}

} // namespace
