//===- LayerBuilderTest.cpp - the C++ builder API -------------------------===//
//
// Every layer config builds a verified function; every built layer
// decomposes with nothing left behind; invalid configs fail with the
// verifier's message instead of crashing; parameter counts match the
// σ-MoE paper's parameter-matched models.
//
//===----------------------------------------------------------------------===//

#include "frontends/Builder/LayerBuilder.h"

#include "dialects/Sieve/IR/SieveOps.h"
#include "dialects/Sieve/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::sieve;
namespace model = ::sieve::model;

namespace {

class LayerBuilderTest : public ::testing::Test {
protected:
  LayerBuilderTest() : builder(&context) {
    context.loadDialect<SieveDialect, func::FuncDialect, arith::ArithDialect,
                        linalg::LinalgDialect, math::MathDialect,
                        tensor::TensorDialect>();
    handler = std::make_unique<ScopedDiagnosticHandler>(
        &context, [this](Diagnostic &diag) {
          messages.push_back(diag.str());
          return success();
        });
    module = ModuleOp::create(builder.getUnknownLoc());
  }

  FailureOr<func::FuncOp> build(const LayerConfig &config, bool train = false,
                                Type elementType = {}) {
    LayerBuilder layers(builder, builder.getUnknownLoc(),
                        elementType ? elementType : builder.getF32Type());
    std::string name = "layer" + std::to_string(built++);
    return layers.buildFunction(*module, name, config, train);
  }

  /// Layer ops left in the module.
  int countLayers() {
    int count = 0;
    module->walk([&](LayerOpInterface) { ++count; });
    return count;
  }

  LogicalResult decompose() {
    PassManager pm(&context);
    pm.addPass(createSieveDecompose());
    return pm.run(*module);
  }

  MLIRContext context;
  OpBuilder builder;
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<ScopedDiagnosticHandler> handler;
  std::vector<std::string> messages;
  int built = 0;
};

MoeFfnConfig moe(int64_t dModel, int64_t experts, int64_t size, int64_t k) {
  MoeFfnConfig c;
  c.dModel = dModel;
  c.numExperts = experts;
  c.expertSize = size;
  c.k = k;
  return c;
}

PkmFfnConfig pkm(int64_t dModel, int64_t subkeys, int64_t heads, int64_t k,
                 model::PkmActivation activation = model::PkmActivation::ReLU) {
  PkmFfnConfig c;
  c.dModel = dModel;
  c.numSubkeys = subkeys;
  c.heads = heads;
  c.k = k;
  c.activation = activation;
  return c;
}

MoeFfnConfig sigmaMoeE8() {
  // σ-MoE of the 41M Enwik8 model (Tab. 9).
  MoeFfnConfig c = moe(512, 16, 128, 4);
  c.expertDropout = 0.05;
  c.regularizer = model::Regularizer::Entropy;
  c.regularizerWeight = 1e-4;
  return c;
}

MoweFfnConfig smallMowe() {
  MoweFfnConfig c;
  c.dModel = 64;
  c.numUnrouted = 16;
  c.buckets = {{32, 8, 4, 64}, {1000, 8, 16, 8}};
  c.routingVocabSize = 16 + 32 + 1000;
  return c;
}

std::vector<LayerConfig> everyLayer() {
  MoeFfnConfig sBase = sigmaMoeE8();
  sBase.selection = model::ExpertSelection::Sinkhorn;
  sBase.sinkhornIterations = 3;
  sBase.expertDropout = 0.0;
  MoeFfnConfig switchMoe = moe(512, 4, 512, 1);
  switchMoe.selectionActivation = model::SelectionActivation::Softmax;
  switchMoe.regularizer = model::Regularizer::Switch;
  switchMoe.regularizerWeight = 0.01;
  MoeFfnConfig renorm = moe(512, 16, 128, 4);
  renorm.selectionActivation = model::SelectionActivation::SoftmaxRenorm;
  return {DenseFfnConfig{512, 2053},
          TopKFfnConfig{512, 2053, 128},
          pkm(512, 62, 4, 32, model::PkmActivation::ReLU),
          pkm(512, 46, 4, 32, model::PkmActivation::Softmax),
          sigmaMoeE8(),
          sBase,
          switchMoe,
          renorm,
          smallMowe()};
}

TEST_F(LayerBuilderTest, EveryLayerBuildsVerifiesAndDecomposes) {
  for (bool train : {false, true}) {
    module = ModuleOp::create(builder.getUnknownLoc());
    for (const LayerConfig &config : everyLayer())
      ASSERT_TRUE(succeeded(build(config, train))) << messages.back();
    EXPECT_EQ(countLayers(), static_cast<int>(everyLayer().size()));
    ASSERT_TRUE(succeeded(decompose())) << messages.back();
    EXPECT_EQ(countLayers(), 0);
    EXPECT_TRUE(messages.empty());
  }
}

TEST_F(LayerBuilderTest, LayerInterfaceNamesInputOutputAndWeights) {
  for (const LayerConfig &config : everyLayer()) {
    FailureOr<func::FuncOp> func = build(config);
    ASSERT_TRUE(succeeded(func));
    auto layer = cast<LayerOpInterface>(&func->getBody().front().front());
    EXPECT_EQ(layer.getInput(), func->getArgument(0));
    EXPECT_EQ(layer.getOutput(), layer->getResult(0));
    // The weights are the function's weight arguments, and their element
    // counts add up to the config's parameter count.
    SmallVector<Value> weights = layer.getWeights();
    size_t first = std::holds_alternative<MoweFfnConfig>(config) ? 2 : 1;
    ASSERT_EQ(weights.size(), weightShapes(config).size());
    int64_t parameters = 0;
    for (auto [index, weight] : llvm::enumerate(weights)) {
      EXPECT_EQ(weight, func->getArgument(first + index));
      parameters += cast<RankedTensorType>(weight.getType()).getNumElements();
    }
    EXPECT_EQ(parameters, countParameters(config));
  }
}

TEST_F(LayerBuilderTest, ExpertDropoutInTrainingTakesASeed) {
  FailureOr<func::FuncOp> train = build(sigmaMoeE8(), /*train=*/true);
  ASSERT_TRUE(succeeded(train));
  EXPECT_TRUE(train->getArgumentTypes().back().isInteger(64));
  EXPECT_EQ(train->getNumResults(), 2u); // y and the entropy loss

  FailureOr<func::FuncOp> eval = build(sigmaMoeE8(), /*train=*/false);
  ASSERT_TRUE(succeeded(eval));
  EXPECT_EQ(eval->getNumArguments(), 4u); // x, w1, w2, w3

  // Training draws the mask from the seed; evaluation has no mask at all.
  ASSERT_TRUE(succeeded(decompose()));
  int masks = 0;
  module->walk([&](BernoulliMaskOp) { ++masks; });
  EXPECT_EQ(masks, 1);
}

TEST_F(LayerBuilderTest, Bf16WeightsAndActivations) {
  FailureOr<func::FuncOp> func =
      build(sigmaMoeE8(), /*train=*/false, builder.getBF16Type());
  ASSERT_TRUE(succeeded(func));
  auto x = cast<RankedTensorType>(func->getArgumentTypes()[0]);
  EXPECT_TRUE(x.getElementType().isBF16());
  EXPECT_TRUE(x.isDynamicDim(0));
  EXPECT_EQ(x.getDimSize(1), 512);
}

TEST_F(LayerBuilderTest, InvalidConfigFailsWithTheVerifierMessage) {
  MoeFfnConfig tooManySlots = sigmaMoeE8();
  tooManySlots.k = 17;
  EXPECT_TRUE(failed(build(tooManySlots)));
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages.back().find("k (17) exceeds num_experts (16)"),
            std::string::npos)
      << messages.back();

  EXPECT_TRUE(failed(build(pkm(511, 8, 1, 2))));
  EXPECT_NE(messages.back().find("d_model (511) must be even"),
            std::string::npos)
      << messages.back();

  MoweFfnConfig uncovered = smallMowe();
  uncovered.routingVocabSize += 1;
  EXPECT_TRUE(failed(build(uncovered)));
  EXPECT_NE(messages.back().find("routing_vocab_size is 1049"),
            std::string::npos)
      << messages.back();

  // A failed build leaves nothing behind.
  EXPECT_TRUE(module->getBody()->empty());
}

TEST_F(LayerBuilderTest, NonPositiveSizesAreErrorsNotInvalidTypes) {
  EXPECT_TRUE(failed(build(DenseFfnConfig{512, 0})));
  EXPECT_EQ(messages.back(), "d_ff must be positive, got 0");
  EXPECT_TRUE(failed(build(moe(512, -4, 128, 1))));
  EXPECT_EQ(messages.back(), "num_experts must be positive, got -4");
  MoweFfnConfig mowe = smallMowe();
  mowe.buckets[1].expertSize = 0;
  EXPECT_TRUE(failed(build(mowe)));
  EXPECT_EQ(messages.back(), "bucket 1 expert_size must be positive, got 0");
  EXPECT_TRUE(module->getBody()->empty());
}

TEST_F(LayerBuilderTest, WeightShapesFollowTheRowVectorLayout) {
  auto shapes = weightShapes(sigmaMoeE8());
  ASSERT_EQ(shapes.size(), 3u);
  EXPECT_EQ(shapes[0], (std::vector<int64_t>{16, 512, 128}));
  EXPECT_EQ(shapes[1], (std::vector<int64_t>{16, 128, 512}));
  EXPECT_EQ(shapes[2], (std::vector<int64_t>{512, 16}));
  auto pkmShapes = weightShapes(pkm(412, 62, 4, 32));
  EXPECT_EQ(pkmShapes[0], (std::vector<int64_t>{206, 4, 62}));
  EXPECT_EQ(pkmShapes[2], (std::vector<int64_t>{3844, 412}));
}

TEST_F(LayerBuilderTest, ParameterCountsMatchThePaper) {
  // Enwik8, d_model 512: the dense FFN with d_ff 2053 and the σ-MoE with
  // N_E G = 2048 are parameter-matched up to the selection matrix W3
  // (Sec. 6.3): 2 * 512 * 2053 vs 2 * 512 * 2048 + 512 * 16.
  int64_t dense = countParameters(DenseFfnConfig{512, 2053});
  int64_t moe = countParameters(sigmaMoeE8());
  EXPECT_EQ(dense, 2102272);
  EXPECT_EQ(moe, 2105344);
  EXPECT_LT(std::abs(dense - moe), 512 * 16);

  // App. A.3: 62 sub-keys (3844 values) match the dense parameters of the
  // small WikiText-103 model (d_model 412, d_ff 2053) better than 46.
  int64_t denseWt = countParameters(DenseFfnConfig{412, 2053});
  int64_t pkm62 = countParameters(pkm(412, 62, 4, 32));
  int64_t pkm46 = countParameters(pkm(412, 46, 4, 32));
  EXPECT_LT(std::abs(pkm62 - denseWt), std::abs(pkm46 - denseWt));
  EXPECT_EQ(pkm62, 2 * 206 * 4 * 62 + 3844 * 412);
}

} // namespace
