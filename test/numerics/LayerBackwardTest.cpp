//===- LayerBackwardTest.cpp - derived gradients against finite differences
//===//
//
// Every layer op's backward kernel, derived by sieve-generate-backward,
// compiled and run by the runtime, against central finite differences of
// the double-precision C++ reference of the layer. The loss is
// L = sum(y * R) + c * aux_loss for a random R; cases with R = 0 isolate
// the regularisers' gradients. Expert dropout runs with the fixed mask of
// its seed, which the reference is given.
//
//===----------------------------------------------------------------------===//

#include "test/numerics/Harness.h"

#include "runtime/Random/CounterRandom.h"

#include <gtest/gtest.h>

#include <functional>

using namespace sieve;
using namespace sieve::test;
namespace ref = sieve::reference;

namespace {

constexpr int64_t N = 13, D = 8;
/// The f32 kernels against double finite differences (step 1e-5, error
/// ~1e-9): what remains is f32 rounding.
constexpr double kTolerance = 1e-4;

#define TRAIN(name) "attributes {sieve.backward = \"" name "_backward\"}"
const char *kLayers = R"mlir(
func.func @dense(%x: tensor<?x8xf32>, %w1: tensor<8x24xf32>, %w2: tensor<24x8xf32>) -> tensor<?x8xf32> )mlir" TRAIN("dense") R"mlir( {
  %y = sieve.dense_ffn %x, %w1, %w2 : (tensor<?x8xf32>, tensor<8x24xf32>, tensor<24x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
func.func @topk(%x: tensor<?x8xf32>, %w1: tensor<8x24xf32>, %w2: tensor<24x8xf32>) -> tensor<?x8xf32> )mlir" TRAIN("topk") R"mlir( {
  %y = sieve.topk_ffn %x, %w1, %w2 {k = 5 : i64} : (tensor<?x8xf32>, tensor<8x24xf32>, tensor<24x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
func.func @pkm_relu(%x: tensor<?x8xf32>, %ka: tensor<4x2x5xf32>, %kb: tensor<4x2x5xf32>, %v: tensor<25x8xf32>) -> tensor<?x8xf32> )mlir" TRAIN("pkm_relu") R"mlir( {
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 5 : i64, heads = 2 : i64, k = 3 : i64, activation = #sieve.pkm_activation<relu>} : (tensor<?x8xf32>, tensor<4x2x5xf32>, tensor<4x2x5xf32>, tensor<25x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
func.func @pkm_softmax(%x: tensor<?x8xf32>, %ka: tensor<4x2x5xf32>, %kb: tensor<4x2x5xf32>, %v: tensor<25x8xf32>) -> tensor<?x8xf32> )mlir" TRAIN("pkm_softmax") R"mlir( {
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 5 : i64, heads = 2 : i64, k = 3 : i64, activation = #sieve.pkm_activation<softmax>} : (tensor<?x8xf32>, tensor<4x2x5xf32>, tensor<4x2x5xf32>, tensor<25x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
func.func @sigma_moe(%x: tensor<?x8xf32>, %w1: tensor<6x8x5xf32>, %w2: tensor<6x5x8xf32>, %w3: tensor<8x6xf32>, %seed: i64) -> (tensor<?x8xf32>, tensor<f32>) )mlir" TRAIN("sigma_moe") R"mlir( {
  %y, %r = sieve.moe_ffn %x, %w1, %w2, %w3 seed(%seed) {num_experts = 6 : i64, expert_size = 5 : i64, k = 3 : i64, selection_activation = #sieve.selection_activation<sigmoid>, expert_dropout = 0.25, regularizer = #sieve.regularizer<entropy>, regularizer_weight = 0.5, train} : (tensor<?x8xf32>, tensor<6x8x5xf32>, tensor<6x5x8xf32>, tensor<8x6xf32>, i64) -> (tensor<?x8xf32>, tensor<f32>)
  return %y, %r : tensor<?x8xf32>, tensor<f32>
}
func.func @standard_dropout(%x: tensor<?x8xf32>, %w1: tensor<6x8x5xf32>, %w2: tensor<6x5x8xf32>, %w3: tensor<8x6xf32>, %seed: i64) -> tensor<?x8xf32> )mlir" TRAIN("standard_dropout") R"mlir( {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 seed(%seed) {num_experts = 6 : i64, expert_size = 5 : i64, k = 3 : i64, selection_activation = #sieve.selection_activation<sigmoid>, activation_dropout = 0.3, train} : (tensor<?x8xf32>, tensor<6x8x5xf32>, tensor<6x5x8xf32>, tensor<8x6xf32>, i64) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
func.func @switch(%x: tensor<?x8xf32>, %w1: tensor<4x8x7xf32>, %w2: tensor<4x7x8xf32>, %w3: tensor<8x4xf32>) -> (tensor<?x8xf32>, tensor<f32>) )mlir" TRAIN("switch") R"mlir( {
  %y, %r = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 7 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<softmax>, regularizer = #sieve.regularizer<switch>, regularizer_weight = 0.5, train} : (tensor<?x8xf32>, tensor<4x8x7xf32>, tensor<4x7x8xf32>, tensor<8x4xf32>) -> (tensor<?x8xf32>, tensor<f32>)
  return %y, %r : tensor<?x8xf32>, tensor<f32>
}
func.func @s_base(%x: tensor<?x8xf32>, %w1: tensor<6x8x5xf32>, %w2: tensor<6x5x8xf32>, %w3: tensor<8x6xf32>) -> tensor<?x8xf32> )mlir" TRAIN("s_base") R"mlir( {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 6 : i64, expert_size = 5 : i64, k = 2 : i64, selection_activation = #sieve.selection_activation<sigmoid>, selection = #sieve.selection<sinkhorn>, train} : (tensor<?x8xf32>, tensor<6x8x5xf32>, tensor<6x5x8xf32>, tensor<8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
func.func @softmax_renorm(%x: tensor<?x8xf32>, %w1: tensor<6x8x5xf32>, %w2: tensor<6x5x8xf32>, %w3: tensor<8x6xf32>) -> tensor<?x8xf32> )mlir" TRAIN("softmax_renorm") R"mlir( {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 6 : i64, expert_size = 5 : i64, k = 3 : i64, selection_activation = #sieve.selection_activation<softmax_renorm>, train} : (tensor<?x8xf32>, tensor<6x8x5xf32>, tensor<6x5x8xf32>, tensor<8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
func.func @softmax(%x: tensor<?x8xf32>, %w1: tensor<6x8x5xf32>, %w2: tensor<6x5x8xf32>, %w3: tensor<8x6xf32>) -> tensor<?x8xf32> )mlir" TRAIN("softmax") R"mlir( {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 6 : i64, expert_size = 5 : i64, k = 3 : i64, selection_activation = #sieve.selection_activation<softmax>, train} : (tensor<?x8xf32>, tensor<6x8x5xf32>, tensor<6x5x8xf32>, tensor<8x6xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
func.func @mowe(%x: tensor<?x8xf32>, %ids: tensor<?xi32>, %w1a: tensor<5x8x6xf32>, %w2a: tensor<5x6x8xf32>, %w1b: tensor<4x8x3xf32>, %w2b: tensor<4x3x8xf32>) -> tensor<?x8xf32> )mlir" TRAIN(
    "mowe") R"mlir( {
  %y = sieve.mowe_ffn %x, %ids, %w1a, %w2a, %w1b, %w2b {routing_vocab_size = 28 : i64, num_unrouted = 3 : i64,
      buckets = [#sieve.bucket<routing_ids = 5, blocks = 5, experts_per_block = 1, expert_size = 6>,
                 #sieve.bucket<routing_ids = 20, blocks = 2, experts_per_block = 2, expert_size = 3>]}
      : (tensor<?x8xf32>, tensor<?xi32>, tensor<5x8x6xf32>, tensor<5x6x8xf32>, tensor<4x8x3xf32>, tensor<4x3x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
)mlir";
#undef TRAIN

/// A layer under test: its differentiable arguments (x first, then the
/// weights) and its reference forward on them.
struct Layer {
  std::string function;
  std::vector<std::vector<int64_t>> shapes;
  std::function<ref::MoeOutput(const std::vector<ref::Vec> &)> reference;
  bool hasAux = false;
  std::vector<int64_t> scalars = {};
  /// Non-differentiable tensors inserted after x (MoWE's routing ids).
  std::vector<const runtime::Tensor *> extra = {};
};

class LayerBackwardTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { bundle = compileText(kLayers); }
  static void TearDownTestSuite() { bundle.reset(); }
  void SetUp() override { ASSERT_TRUE(bundle) << "the layers did not compile"; }

  /// Runs forward_train and backward; checks y against the reference and
  /// every gradient against finite differences of L = y.R + c aux.
  void check(const Layer &layer, bool outputTerm = true, double c = 1.0);

  static std::shared_ptr<runtime::Bundle> bundle;
  std::mt19937 rng{20231105};
};
std::shared_ptr<runtime::Bundle> LayerBackwardTest::bundle;

int64_t numel(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t s : shape)
    n *= s;
  return n;
}

void LayerBackwardTest::check(const Layer &layer, bool outputTerm, double c) {
  std::vector<ref::Vec> params;
  std::vector<runtime::Tensor> tensors;
  for (const auto &shape : layer.shapes) {
    params.push_back(uniform(rng, numel(shape)));
    tensors.push_back(f32(shape, params.back()));
  }
  ref::Vec r = outputTerm ? uniform(rng, N * D) : ref::Vec(N * D, 0.0);

  std::vector<const runtime::Tensor *> inputs = {&tensors[0]};
  inputs.insert(inputs.end(), layer.extra.begin(), layer.extra.end());
  for (size_t i = 1; i < tensors.size(); ++i)
    inputs.push_back(&tensors[i]);
  std::vector<runtime::Tensor> forward =
      run(*bundle, layer.function, inputs, layer.scalars);
  ref::MoeOutput expected = layer.reference(params);
  ASSERT_LT(relativeError(toDoubles(forward[0]), expected.y), 1e-5)
      << layer.function << ": forward";

  // Backward: the forward's tensor inputs, its saved values, dy [, daux].
  size_t primary = layer.hasAux ? 2 : 1;
  std::vector<const runtime::Tensor *> backwardInputs = inputs;
  for (size_t i = primary; i < forward.size(); ++i)
    backwardInputs.push_back(&forward[i]);
  runtime::Tensor dy = f32({N, D}, r);
  runtime::Tensor daux = f32({}, {c});
  backwardInputs.push_back(&dy);
  if (layer.hasAux)
    backwardInputs.push_back(&daux);
  std::vector<runtime::Tensor> grads =
      run(*bundle, layer.function + "_backward", backwardInputs);
  ASSERT_EQ(grads.size(), params.size());

  auto loss = [&](const std::vector<ref::Vec> &p) {
    ref::MoeOutput out = layer.reference(p);
    double sum = layer.hasAux ? c * out.aux : 0.0;
    for (size_t i = 0; i < out.y.size(); ++i)
      sum += out.y[i] * r[i];
    return sum;
  };
  const double h = 1e-5;
  for (size_t a = 0; a < params.size(); ++a) {
    ref::Vec numeric(params[a].size());
    std::vector<ref::Vec> p = params;
    for (size_t i = 0; i < p[a].size(); ++i) {
      double saved = p[a][i];
      p[a][i] = saved + h;
      double plus = loss(p);
      p[a][i] = saved - h;
      double minus = loss(p);
      p[a][i] = saved;
      numeric[i] = (plus - minus) / (2 * h);
    }
    EXPECT_LT(relativeError(toDoubles(grads[a]), numeric), kTolerance)
        << layer.function << ": gradient of argument " << a;
  }
}

ref::MoeOutput onlyY(ref::Vec y) { return {std::move(y), 0.0}; }

TEST_F(LayerBackwardTest, DenseFfn) {
  check({"dense", {{N, D}, {D, 24}, {24, D}}, [](const auto &p) {
           return onlyY(ref::denseFfn(p[0], p[1], p[2], N, D, 24));
         }});
}

TEST_F(LayerBackwardTest, TopKFfn) {
  check({"topk", {{N, D}, {D, 24}, {24, D}}, [](const auto &p) {
           return onlyY(ref::topkFfn(p[0], p[1], p[2], N, D, 24, 5));
         }});
}

TEST_F(LayerBackwardTest, PkmKeysAndValuesForBothActivations) {
  for (bool softmax : {false, true})
    check({softmax ? "pkm_softmax" : "pkm_relu",
           {{N, D}, {4, 2, 5}, {4, 2, 5}, {25, D}},
           [softmax](const auto &p) {
             return onlyY(
                 ref::pkmFfn(p[0], p[1], p[2], p[3], N, D, 2, 5, 3, softmax));
           }});
}

Layer sigmaMoe(int64_t seed) {
  std::vector<bool> bits = runtime::bernoulliMask(seed, 0, N * 6, 0.75);
  std::vector<uint8_t> keep(bits.begin(), bits.end());
  ref::MoeConfig config{D, 6, 5, 3};
  config.reg = ref::Reg::Entropy;
  config.gamma = 0.5;
  config.train = true;
  return {"sigma_moe",
          {{N, D}, {6, D, 5}, {6, 5, D}, {D, 6}},
          [=](const auto &p) {
            return ref::moeFfn(p[0], p[1], p[2], p[3], keep, N, config);
          },
          true,
          {seed}};
}

TEST_F(LayerBackwardTest, SigmaMoeThroughGatesDropoutMaskAndEntropy) {
  check(sigmaMoe(4242));
}

TEST_F(LayerBackwardTest, StandardDropoutOnTheHiddenUnits) {
  const int64_t seed = 555;
  std::vector<bool> bits = runtime::bernoulliMask(seed, 1, N * 3 * 5, 0.7);
  ref::MoeConfig config{D, 6, 5, 3};
  config.train = true;
  config.hiddenDropout = 0.3;
  config.hiddenKeep.assign(bits.begin(), bits.end());
  check({"standard_dropout",
         {{N, D}, {6, D, 5}, {6, 5, D}, {D, 6}},
         [=](const auto &p) {
           return ref::moeFfn(p[0], p[1], p[2], p[3], {}, N, config);
         },
         false,
         {seed}});
}

TEST_F(LayerBackwardTest, EntropyRegularizerAlone) {
  check(sigmaMoe(77), /*outputTerm=*/false);
}

Layer switchLayer() {
  ref::MoeConfig config{D, 4, 7, 1};
  config.gate = ref::Gate::Softmax;
  config.reg = ref::Reg::Switch;
  config.gamma = 0.5;
  config.train = true;
  return {"switch",
          {{N, D}, {4, D, 7}, {4, 7, D}, {D, 4}},
          [=](const auto &p) {
            return ref::moeFfn(p[0], p[1], p[2], p[3], {}, N, config);
          },
          true};
}

TEST_F(LayerBackwardTest, SwitchWithLoadBalancingLoss) { check(switchLayer()); }

TEST_F(LayerBackwardTest, SwitchLoadBalancingLossAlone) {
  check(switchLayer(), /*outputTerm=*/false);
}

Layer moeVariant(const std::string &function, ref::Gate gate, int64_t k,
                 bool sinkhorn) {
  ref::MoeConfig config{D, 6, 5, k};
  config.gate = gate;
  config.sinkhorn = sinkhorn;
  config.train = true;
  return {function, {{N, D}, {6, D, 5}, {6, 5, D}, {D, 6}}, [=](const auto &p) {
            return ref::moeFfn(p[0], p[1], p[2], p[3], {}, N, config);
          }};
}

TEST_F(LayerBackwardTest, SBase) {
  check(moeVariant("s_base", ref::Gate::Sigmoid, 2, true));
}

TEST_F(LayerBackwardTest, SoftmaxWithAndWithoutRenormalization) {
  check(moeVariant("softmax_renorm", ref::Gate::SoftmaxRenorm, 3, false));
  check(moeVariant("softmax", ref::Gate::Softmax, 3, false));
}

TEST_F(LayerBackwardTest, Mowe) {
  std::vector<int32_t> ids(N);
  std::uniform_int_distribution<int32_t> id(0, 27);
  for (int32_t &v : ids)
    v = id(rng);
  ids[0] = 1;  // unrouted
  ids[1] = 27; // the last id
  runtime::Tensor tids = i32({N}, ids);
  std::vector<ref::Bucket> buckets = {{5, 5, 6}, {20, 4, 3}};
  check({"mowe",
         {{N, D}, {5, D, 6}, {5, 6, D}, {4, D, 3}, {4, 3, D}},
         [=](const auto &p) {
           return onlyY(ref::moweFfn(p[0], ids, {p[1], p[2], p[3], p[4]}, N, D,
                                     3, buckets));
         },
         false,
         {},
         {&tids}});
}

} // namespace
