//===- MoweModelTest.cpp - MoWE layers in the language model --------------===//
//
// A tiny Transformer-XL with MoWE blocks in two layers, its kernels
// compiled by Sieve: the layers share one set of experts, whose gradient
// accumulates both layers' contributions (checked against central finite
// differences of the loss), routing ids reach the kernels (turning a
// token's expert off changes the loss), frozen experts stay as they are
// while the rest trains, and GPU training's device program, run on the
// host backend, computes the host model's loss and gradients.
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/ModelKernels.h"
#include "models/lm/Adam.h"
#include "models/lm/Device/HostDenseOps.h"
#include "models/lm/DeviceTransformerXL.h"
#include "models/lm/TransformerXL.h"
#include "runtime/Core/Error.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace sieve;

namespace {

const char *kDescription = R"(
name: tiny-mowe
tokenizer: {kind: bytes}
model:
  d_model: 16
  layers: 3
  heads: 2
  head_size: 8
  context: 8
  memory: 8
  eval_memory: 8
  dropout: 0.0
  ffn: {kind: dense, d_ff: 16}
  ffn_overrides:
    - layers: [1, 2]
      ffn:
        kind: mowe
        routing_vocab_size: 272
        unrouted: 2
        buckets:
          - {routing_ids: 6, blocks: 2, experts_per_block: 3, expert_size: 8}
          - {routing_ids: 264, blocks: 2, experts_per_block: 4, expert_size: 4}
routing: {words: gcide-headwords}
training: {batch_size: 2}
)";

struct MoweModel : testing::Test {
  void SetUp() override {
    model::ReadResult read =
        model::parseModelDescription(kDescription, "tiny-mowe.yaml");
    ASSERT_TRUE(read.description) << read.errors[0].str();
    description = *read.description;
    std::string dir = testing::TempDir() + "/mowe-model-test";
    lm = std::make_unique<lm::TransformerXL>(
        description, mlir::sieve::compileModelKernels(
                         description, dir + "/kernels", dir + "/cache"));
    lm->initialize(3);
    std::mt19937 rng(11);
    for (int i = 0; i < 2 * 8; ++i) {
      inputs.push_back(static_cast<int32_t>(rng() % 256));
      targets.push_back(static_cast<int32_t>(rng() % 256));
      // Mostly ids of the first bucket (2..7), some unrouted, some of the
      // second.
      routes.push_back(static_cast<int32_t>(rng() % 16));
    }
  }

  /// The mean cross-entropy of one segment from an empty memory.
  double loss(const std::vector<int32_t> &ids) {
    lm::Memory memory = lm->emptyMemory(2, 8);
    lm::SegmentLoss l = lm->evaluateSegment(inputs.data(), targets.data(), 2, 8,
                                            memory, ids.data());
    return l.crossEntropy / double(l.tokens);
  }

  model::ModelDescription description;
  std::unique_ptr<lm::TransformerXL> lm;
  std::vector<int32_t> inputs, targets, routes;
};

} // namespace

TEST_F(MoweModel, LayersShareOneSetOfExperts) {
  int64_t expertTensors = 0;
  for (const lm::Parameter &p : lm->parameters().all()) {
    EXPECT_EQ(p.name.find("layers.1.ffn"), std::string::npos) << p.name;
    EXPECT_EQ(p.name.find("layers.2.ffn"), std::string::npos) << p.name;
    expertTensors += p.name.rfind("mowe.ffn.", 0) == 0;
  }
  EXPECT_EQ(expertTensors, 4); // w1, w2 of two buckets
  EXPECT_EQ(lm->expertWeights().size(), 4u);
  EXPECT_TRUE(lm->needsRoutingIds());
}

TEST_F(MoweModel, SharedGradientAccumulatesBothLayers) {
  lm->parameters().zeroGrads();
  lm::Memory memory = lm->emptyMemory(2, 8);
  lm->trainSegment(inputs.data(), targets.data(), 2, memory, 1, 0,
                   routes.data());
  // The largest gradients of the first bucket's w1 and w2, against central
  // differences of the loss (both layers read the perturbed weight).
  int checked = 0;
  for (lm::Parameter *p : lm->expertWeights()) {
    if (checked == 4)
      break;
    std::vector<int64_t> order(p->numel());
    for (int64_t i = 0; i < p->numel(); ++i)
      order[i] = i;
    std::partial_sort(order.begin(), order.begin() + 2, order.end(),
                      [&](int64_t a, int64_t b) {
                        return std::fabs(p->gradData()[a]) >
                               std::fabs(p->gradData()[b]);
                      });
    for (int k = 0; k < 2; ++k, ++checked) {
      int64_t i = order[k];
      float saved = p->data()[i], eps = 1e-2f;
      p->data()[i] = saved + eps;
      double up = loss(routes);
      p->data()[i] = saved - eps;
      double down = loss(routes);
      p->data()[i] = saved;
      double numeric = (up - down) / (2.0 * eps);
      double analytic = p->gradData()[i];
      ASSERT_GT(std::fabs(analytic), 1e-4) << p->name;
      EXPECT_NEAR(analytic, numeric, 0.03 * std::fabs(numeric) + 2e-5)
          << p->name << "[" << i << "]";
    }
  }
  EXPECT_EQ(checked, 4);
}

TEST_F(MoweModel, RoutingIdsReachTheLayers) {
  double on = loss(routes);
  std::vector<int32_t> off(routes.size(), -1);
  EXPECT_NE(on, loss(off));
  // Without routing ids the model refuses to run.
  lm::Memory memory = lm->emptyMemory(2, 8);
  EXPECT_THROW(lm->evaluateSegment(inputs.data(), targets.data(), 2, 8, memory),
               runtime::Error);
}

TEST_F(MoweModel, FrozenExpertsStayPut) {
  std::vector<std::vector<float>> before;
  for (lm::Parameter *p : lm->expertWeights()) {
    p->frozen = true;
    before.emplace_back(p->data(), p->data() + p->numel());
  }
  lm::Parameter &embedding = lm->parameters().at("embedding");
  std::vector<float> embeddingBefore(embedding.data(),
                                     embedding.data() + embedding.numel());
  lm::Adam adam(lm->parameters());
  for (uint64_t step = 0; step < 2; ++step) {
    lm->parameters().zeroGrads();
    lm::Memory memory = lm->emptyMemory(2, 8);
    lm->trainSegment(inputs.data(), targets.data(), 2, memory, 1, step,
                     routes.data());
    adam.step(1e-2, 0.25);
  }
  for (size_t t = 0; t < before.size(); ++t)
    EXPECT_TRUE(std::equal(before[t].begin(), before[t].end(),
                           lm->expertWeights()[t]->data()))
        << lm->expertWeights()[t]->name;
  EXPECT_FALSE(std::equal(embeddingBefore.begin(), embeddingBefore.end(),
                          embedding.data()));
}

TEST_F(MoweModel, DeviceProgramTrainsAsTheHostModel) {
  // GPU training's program (DeviceTransformerXL) on the host backend: the
  // routing ids reach the device kernels and both MoWE layers' gradients
  // accumulate into the one shared set of experts, as on the host.
  lm::device::HostDenseOps ops;
  lm::DeviceTransformerXL program(description, lm->parameters(),
                                  lm->kernelBundle(), ops, runtime::DType::F32);
  EXPECT_TRUE(program.needsRoutingIds());
  lm->parameters().zeroGrads();
  lm::Memory memory = lm->emptyMemory(2, 8);
  lm::DeviceMemory deviceMemory = program.emptyMemory(2, 8);
  lm::SegmentLoss a = lm->trainSegment(inputs.data(), targets.data(), 2, memory,
                                       1, 0, routes.data());
  lm::SegmentLoss b = program.trainSegment(inputs.data(), targets.data(), 2,
                                           deviceMemory, 1, 0, routes.data());
  EXPECT_NEAR(b.crossEntropy, a.crossEntropy, 1e-5 * a.crossEntropy);
  std::vector<std::vector<float>> expected;
  for (const lm::Parameter &p : lm->parameters().all())
    expected.emplace_back(p.grad.data<float>(),
                          p.grad.data<float>() + p.numel());
  program.download(lm->parameters(), /*gradients=*/true);
  size_t i = 0;
  for (const lm::Parameter &p : lm->parameters().all()) {
    double largest = 0, error = 0;
    for (int64_t j = 0; j < p.numel(); ++j) {
      largest = std::max(largest, double(std::fabs(expected[i][j])));
      error = std::max(
          error, double(std::fabs(p.grad.data<float>()[j] - expected[i][j])));
    }
    EXPECT_LE(error, 1e-4 * largest + 1e-12) << p.name;
    ++i;
  }
  // Without routing ids the program refuses, as the host model does.
  EXPECT_THROW(program.trainSegment(inputs.data(), targets.data(), 2,
                                    deviceMemory, 1, 1),
               runtime::Error);
}
