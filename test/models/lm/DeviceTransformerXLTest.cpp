//===- DeviceTransformerXLTest.cpp - the device program against the model -===//
//
// GPU training's program of the whole language model (DeviceTransformerXL:
// every dense operation through DenseOps, attention as DeviceAttention,
// the feed-forward kernels through DeviceFeedForward) run on the host
// backend against the host model (TransformerXL) from the same parameters:
// a six-layer model with one block of each feed-forward kind, dropout and
// expert dropout on, two training segments (the second attends to the
// XL memory the first left). Losses, every parameter's gradient and the
// memory agree to float rounding; with bf16 feed-forward kernels, to what
// bf16 allows. With bf16 dense GEMMs too (GPU training's mixed precision)
// the losses stay within bf16's reach, but a tiny model at initialisation
// turns rounding into large gradient differences (ReLU masks and routing
// choices flip; the f32 program with up to half bf16's rounding error as
// random noise on its operands moved gradients by 6 % in L2), so the
// gradients are held only to an L2 bound there; the exact checks of that
// path are MatmulTest's and DeviceAttentionTest's. On a GPU the same program
// runs on the CUDA backend, whose every operation sieve-gpu-lm-tests checks
// against the host backend.
//
//===----------------------------------------------------------------------===//

#include "models/lm/DeviceTransformerXL.h"
#include "compiler/Driver/ModelKernels.h"
#include "models/lm/Device/HostDenseOps.h"
#include "test/models/lm/EveryFfnKindModel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace sieve;

namespace {

constexpr int64_t kBatch = 3, kContext = 8;

double relativeError(const float *actual, const float *expected, int64_t n) {
  double largest = 0, error = 0;
  for (int64_t i = 0; i < n; ++i) {
    largest = std::max(largest, double(std::fabs(expected[i])));
    error = std::max(error, double(std::fabs(actual[i] - expected[i])));
  }
  return largest == 0 ? error : error / largest;
}

double l2RelativeError(const float *actual, const float *expected, int64_t n) {
  double error = 0, norm = 0;
  for (int64_t i = 0; i < n; ++i) {
    error +=
        (double(actual[i]) - expected[i]) * (double(actual[i]) - expected[i]);
    norm += double(expected[i]) * expected[i];
  }
  return norm == 0 ? std::sqrt(error) : std::sqrt(error / norm);
}

/// Relative to the host's largest value (max), or to its L2 norm (l2).
struct Tolerances {
  double loss, auxiliary, memoryMax, gradientMax, gradientL2;
};

constexpr double kUnchecked = 1e30;

const char *kDenseModel = R"(
name: tiny-dense
tokenizer: {kind: bytes}
model:
  d_model: 32
  layers: 2
  heads: 2
  head_size: 16
  context: 8
  memory: 8
  dropout: 0.1
  ffn: {kind: dense, d_ff: 64}
training: {batch_size: 3}
)";

/// Two training segments on the host model and the device program from
/// the same initialisation; every loss, gradient and memory row compared.
void compareTraining(runtime::DType tensorType, runtime::DType gemmOperands,
                     const Tolerances &tolerances,
                     const char *modelText = test::kEveryFfnKindModel) {
  model::ReadResult read =
      model::parseModelDescription(modelText, "device-transformer-test.yaml");
  ASSERT_TRUE(read.description) << read.errors[0].str();
  const model::ModelDescription &description = *read.description;
  std::string dir = testing::TempDir() + "/device-transformer-test";
  auto kernels = mlir::sieve::compileModelKernels(
      description,
      dir + "/" + description.name + "-" + runtime::name(tensorType),
      dir + "/cache", nullptr, tensorType);
  lm::TransformerXL host(description, kernels);
  host.initialize(5);
  lm::device::HostDenseOps ops;
  lm::DeviceTransformerXL program(description, host.parameters(), kernels, ops,
                                  gemmOperands);
  EXPECT_EQ(program.ffnTensorType(), tensorType);
  EXPECT_EQ(program.gemmOperandType(), gemmOperands);

  lm::Memory hostMemory = host.emptyMemory(kBatch, kContext);
  lm::DeviceMemory deviceMemory = program.emptyMemory(kBatch, kContext);
  host.parameters().zeroGrads();
  std::mt19937 rng(17);
  for (uint64_t step = 0; step < 2; ++step) {
    std::vector<int32_t> inputs, targets;
    for (int64_t i = 0; i < kBatch * kContext; ++i) {
      inputs.push_back(static_cast<int32_t>(rng() % 256));
      targets.push_back(static_cast<int32_t>(rng() % 256));
    }
    lm::SegmentLoss a = host.trainSegment(inputs.data(), targets.data(), kBatch,
                                          hostMemory, 9, step);
    lm::SegmentLoss b = program.trainSegment(inputs.data(), targets.data(),
                                             kBatch, deviceMemory, 9, step);
    EXPECT_EQ(a.tokens, b.tokens);
    EXPECT_NEAR(b.crossEntropy, a.crossEntropy,
                tolerances.loss * a.crossEntropy)
        << "segment " << step;
    // What is minimised: the mean cross-entropy plus the auxiliary losses.
    auto objective = [](const lm::SegmentLoss &loss) {
      return loss.crossEntropy / double(loss.tokens) + loss.auxiliary;
    };
    EXPECT_NEAR(objective(b), objective(a), tolerances.loss * objective(a))
        << "segment " << step;
    EXPECT_NEAR(b.auxiliary, a.auxiliary,
                tolerances.auxiliary * std::fabs(a.auxiliary) + 1e-7)
        << "segment " << step;
  }
  EXPECT_EQ(deviceMemory.length, hostMemory.length);
  for (size_t l = 0; l < hostMemory.layers.size(); ++l) {
    const runtime::Tensor &expected = hostMemory.layers[l];
    std::vector<float> actual(expected.numel());
    ops.copyOut(actual.data(), deviceMemory.layers[l]->address(),
                expected.bytes());
    EXPECT_LT(
        relativeError(actual.data(), expected.data<float>(), expected.numel()),
        tolerances.memoryMax)
        << "memory of layer " << l;
  }

  // The host gradients, then the device's over them.
  std::vector<std::vector<float>> expected;
  for (const lm::Parameter &p : host.parameters().all())
    expected.emplace_back(p.grad.data<float>(),
                          p.grad.data<float>() + p.numel());
  program.download(host.parameters(), /*gradients=*/true);
  size_t i = 0;
  for (const lm::Parameter &p : host.parameters().all()) {
    const float *actual = p.grad.data<float>();
    EXPECT_LT(relativeError(actual, expected[i].data(), p.numel()),
              tolerances.gradientMax)
        << p.name;
    EXPECT_LT(l2RelativeError(actual, expected[i].data(), p.numel()),
              tolerances.gradientL2)
        << p.name;
    ++i;
  }
}

} // namespace

TEST(DeviceTransformerXLTest, TrainsAsTheHostModelWithF32Kernels) {
  // Measured: losses 1e-8 apart (relative), gradients 1.8e-6 at most.
  compareTraining(runtime::DType::F32, runtime::DType::F32,
                  {1e-5, 1e-5, 1e-4, 1e-4, 1e-4});
}

TEST(DeviceTransformerXLTest, TrainsAsTheHostModelWithBf16Kernels) {
  // The same bf16 kernels on both sides; the f32 operations between them
  // sum in other orders, which can move a bf16 rounding by one step.
  // Measured: gradients 2.4e-4 apart at most.
  compareTraining(runtime::DType::BF16, runtime::DType::F32,
                  {1e-4, 1e-4, 5e-3, 5e-3, 5e-3});
}

TEST(DeviceTransformerXLTest, MixedPrecisionStaysWithinBf16OfTheHostModel) {
  // GPU training under bf16 (feed-forward kernels and dense GEMM operands)
  // against the host model with f32 dense layers. Measured: the dense
  // model's losses 2.2e-4 apart, memory 8.1e-3, gradients 12 % in L2 at
  // most; every kind: losses 2.3e-3, memory 4.6e-2.
  compareTraining(runtime::DType::BF16, runtime::DType::BF16,
                  {5e-3, 0, 3e-2, kUnchecked, 0.25}, kDenseModel);
  // The routers' regularisers follow the routing choices, which flip.
  compareTraining(runtime::DType::BF16, runtime::DType::BF16,
                  {1e-2, kUnchecked, 1e-1, kUnchecked, kUnchecked});
}
