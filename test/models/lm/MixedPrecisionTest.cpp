//===- MixedPrecisionTest.cpp - bf16 feed-forward kernels, f32 masters ----===//
//
// A tiny Transformer-XL with one layer of each feed-forward kind (σ-MoE,
// PKM, top-K, dense, Switch, S-BASE), its
// kernels compiled twice by Sieve: on f32 tensors and on bf16 tensors
// (mixed precision). From the same parameters, data and random draws, one
// training step of each must agree to what bf16's 8-bit significand allows:
// the loss, and every parameter's gradient. The bf16 run must really
// round (its results are not the f32 run's), and the f32 master weights
// must come out of a step untouched.
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/ModelKernels.h"
#include "frontends/Builder/ModelBuilder.h"
#include "models/lm/FeedForward.h"
#include "models/lm/TransformerXL.h"
#include "test/models/lm/EveryFfnKindModel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

using namespace sieve;

namespace {

constexpr int64_t kBatch = 3, kContext = 8;

struct Step {
  std::unique_ptr<lm::TransformerXL> model;
  lm::SegmentLoss loss;
};

struct MixedPrecision : testing::Test {
  static void SetUpTestSuite() {
    model::ReadResult read = model::parseModelDescription(
        test::kEveryFfnKindModel, "tiny-every-ffn-kind.yaml");
    ASSERT_TRUE(read.description) << read.errors[0].str();
    description = new model::ModelDescription(*read.description);
    std::string dir = testing::TempDir() + "/mixed-precision-test";
    f32 = mlir::sieve::compileModelKernels(*description, dir + "/f32",
                                           dir + "/cache");
    bf16 = mlir::sieve::compileModelKernels(*description, dir + "/bf16",
                                            dir + "/cache", nullptr,
                                            runtime::DType::BF16);
  }
  static void TearDownTestSuite() {
    delete description;
    f32.reset();
    bf16.reset();
  }

  /// One training step of a freshly initialised model on fixed data.
  Step trainStep(std::shared_ptr<runtime::Bundle> kernels) {
    Step step;
    step.model = std::make_unique<lm::TransformerXL>(*description, kernels);
    step.model->initialize(5);
    std::mt19937 rng(17);
    std::vector<int32_t> inputs, targets;
    for (int64_t i = 0; i < kBatch * kContext; ++i) {
      inputs.push_back(static_cast<int32_t>(rng() % 256));
      targets.push_back(static_cast<int32_t>(rng() % 256));
    }
    lm::Memory memory = step.model->emptyMemory(kBatch, kContext);
    step.model->parameters().zeroGrads();
    step.loss = step.model->trainSegment(inputs.data(), targets.data(), kBatch,
                                         memory, /*seed=*/9, /*step=*/4);
    return step;
  }

  static model::ModelDescription *description;
  static std::shared_ptr<runtime::Bundle> f32, bf16;
};

model::ModelDescription *MixedPrecision::description = nullptr;
std::shared_ptr<runtime::Bundle> MixedPrecision::f32, MixedPrecision::bf16;

double norm(const float *v, size_t n) {
  double sum = 0;
  for (size_t i = 0; i < n; ++i)
    sum += double(v[i]) * v[i];
  return std::sqrt(sum);
}

} // namespace

TEST_F(MixedPrecision, KernelsTakeBf16TensorsAndParametersStayF32) {
  Step exact = trainStep(f32), mixed = trainStep(bf16);
  EXPECT_EQ(exact.model->ffnTensorType(), runtime::DType::F32);
  EXPECT_EQ(mixed.model->ffnTensorType(), runtime::DType::BF16);
  for (const lm::Parameter &p : mixed.model->parameters().all()) {
    EXPECT_EQ(p.value.dtype(), runtime::DType::F32) << p.name;
    EXPECT_EQ(p.grad.dtype(), runtime::DType::F32) << p.name;
  }
  // The step reads the masters and never writes them: both models still
  // hold the initialisation, bit for bit.
  const auto &a = exact.model->parameters().all();
  const auto &b = mixed.model->parameters().all();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(
        std::memcmp(a[i].value.raw(), b[i].value.raw(), a[i].value.bytes()), 0)
        << a[i].name;
}

TEST_F(MixedPrecision, EachBlockIsItsF32KernelOnRoundedInputs) {
  // The bf16 kernels multiply bf16 values (exactly, in f32) and sum in
  // f32 (sieve-widen-accumulators), so on the same bf16-valued inputs the
  // f32 kernels compute the same sums; what differs is only the rounding
  // of the intermediates and outputs to bf16 (2^-9 relative each). With
  // unrounded inputs a pre-activation near 0 could change sign and move a
  // whole token's gradient: that is bf16's input rounding, not the
  // kernels', and the model-level test below sees it.
  Step step = trainStep(f32);
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const int64_t tokens = kBatch * kContext, dModel = 32;
  runtime::HostExecutor executor;
  std::vector<model::DistinctFfn> blocks =
      model::distinctFfnBlocks(*description);
  ASSERT_EQ(blocks.size(), 6u);
  for (size_t block = 0; block < blocks.size(); ++block) {
    const int64_t layer = blocks[block].layers.front();
    const std::string kernel =
        mlir::sieve::ffnKernelPrefix(block, blocks[block].block.config);
    std::vector<lm::Parameter *> weights;
    std::string prefix = "layers." + std::to_string(layer) + ".ffn.";
    for (lm::Parameter &p : step.model->parameters().all())
      if (p.name.rfind(prefix, 0) == 0) {
        p.value = p.value.convertedTo(runtime::DType::BF16)
                      .convertedTo(runtime::DType::F32);
        weights.push_back(&p);
      }
    runtime::Tensor x(runtime::DType::F32, {tokens, dModel}),
        dy(runtime::DType::F32, {tokens, dModel});
    for (int64_t i = 0; i < tokens * dModel; ++i) {
      x.data<float>()[i] = normal(rng);
      dy.data<float>()[i] = 1e-3f * normal(rng);
    }
    x = x.convertedTo(runtime::DType::BF16).convertedTo(runtime::DType::F32);
    dy = dy.convertedTo(runtime::DType::BF16).convertedTo(runtime::DType::F32);
    // y, dx, then every weight gradient, of each precision.
    std::vector<std::vector<std::vector<float>>> results;
    for (const auto &kernels : {f32, bf16}) {
      step.model->parameters().zeroGrads();
      lm::FeedForward ffn(kernels, kernel, weights, executor);
      runtime::Tensor y;
      ffn.forwardTrain(x, y, /*seed=*/7);
      runtime::Tensor dx = ffn.backward(x, dy, 1.0f);
      std::vector<std::vector<float>> values;
      for (const runtime::Tensor *t : {&y, &dx})
        values.emplace_back(t->data<float>(), t->data<float>() + t->numel());
      for (lm::Parameter *w : weights)
        values.emplace_back(w->gradData(), w->gradData() + w->numel());
      results.push_back(std::move(values));
    }
    for (size_t v = 0; v < results[0].size(); ++v) {
      const std::vector<float> &exact = results[0][v], &mixed = results[1][v];
      std::vector<float> difference(exact.size());
      for (size_t i = 0; i < exact.size(); ++i)
        difference[i] = exact[i] - mixed[i];
      double relative = norm(difference.data(), difference.size()) /
                        norm(exact.data(), exact.size());
      std::string what = v == 0   ? "y"
                         : v == 1 ? "dx"
                                  : "d" + weights[v - 2]->name;
      // 0.2-0.8% measured: a few roundings of 2^-9 (0.2%) each.
      EXPECT_LT(relative, 0.015) << kernel << ": " << what;
      EXPECT_GT(relative, 0.0) << kernel << ": " << what << " is not rounded";
    }
  }
}

TEST_F(MixedPrecision, TrainingStepAgreesWithF32) {
  Step exact = trainStep(f32), mixed = trainStep(bf16);
  ASSERT_EQ(exact.loss.tokens, mixed.loss.tokens);
  double ceExact = exact.loss.crossEntropy / double(exact.loss.tokens);
  double ceMixed = mixed.loss.crossEntropy / double(mixed.loss.tokens);
  // The whole step, from unrounded f32 inputs through six blocks: 0.4%
  // measured on the loss (routing decisions and ReLU masks near a tie
  // flip under bf16 rounding, which smooth rounding error alone would not
  // do), and the gradient as a whole 7% off in norm (cosine > 0.997).
  EXPECT_NEAR(ceMixed, ceExact, 0.01 * ceExact);
  EXPECT_NE(ceMixed, ceExact);
  EXPECT_NEAR(mixed.loss.auxiliary, exact.loss.auxiliary,
              0.05 * std::fabs(exact.loss.auxiliary) + 1e-5);
  const auto &a = exact.model->parameters().all();
  const auto &b = mixed.model->parameters().all();
  double difference = 0, size = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const float *ga = a[i].grad.data<float>(), *gb = b[i].grad.data<float>();
    for (int64_t j = 0; j < a[i].numel(); ++j) {
      difference += double(ga[j] - gb[j]) * (ga[j] - gb[j]);
      size += double(ga[j]) * ga[j];
    }
  }
  EXPECT_LT(std::sqrt(difference / size), 0.15);
}
