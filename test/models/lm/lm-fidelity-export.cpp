//===- lm-fidelity-export.cpp - Sieve's model, for PyTorch to check -------===//
//
// Builds the model of a description (its feed-forward blocks compiled by
// Sieve), initialises it, and runs two consecutive training segments (the
// second attends over the first's memory) on random tokens. Writes the
// weights, the tokens, and each segment's loss and gradients as
// safetensors, for lm_fidelity.py to recompute with an independent PyTorch
// implementation. The routing statistics `sieve analyze` gathers over
// both segments go to analysis.safetensors, for the same comparison.
//
// Usage: lm-fidelity-export MODEL.yaml OUTPUT_DIR CACHE_DIR
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/ModelKernels.h"
#include "models/lm/Analysis.h"
#include "models/lm/TransformerXL.h"
#include "runtime/Checkpoint/SafeTensors.h"
#include "runtime/Core/Error.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>

using namespace sieve;

namespace {

std::vector<std::pair<std::string, const runtime::Tensor *>>
tensorsOf(const lm::Parameters &params, bool grads) {
  std::vector<std::pair<std::string, const runtime::Tensor *>> list;
  for (const lm::Parameter &p : params.all())
    list.push_back({p.name, grads ? &p.grad : &p.value});
  return list;
}

std::string exact(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 4) {
    std::cerr << "usage: lm-fidelity-export MODEL.yaml OUTPUT_DIR CACHE_DIR\n";
    return 2;
  }
  try {
    model::ReadResult read = model::readModelDescription(argv[1]);
    if (!read.description) {
      for (const model::Diagnostic &d : read.errors)
        std::cerr << d.str() << "\n";
      return 1;
    }
    const model::ModelDescription &description = *read.description;
    std::string out = argv[2];
    std::filesystem::create_directories(out);
    auto kernels =
        mlir::sieve::compileModelKernels(description, out + "/bundle", argv[3]);
    lm::TransformerXL model(description, kernels);
    model.initialize(7);
    runtime::writeSafeTensors(out + "/weights.safetensors",
                              tensorsOf(model.parameters(), false));

    const int64_t B = 3, T = description.transformer.context;
    std::mt19937 rng(11);
    std::vector<int32_t> stream(B * (2 * T + 1));
    for (int32_t &token : stream)
      token = static_cast<int32_t>(rng() % 256);
    runtime::Tensor tokens = runtime::Tensor::fromI32({B, 2 * T + 1}, stream);
    runtime::writeSafeTensors(out + "/tokens.safetensors",
                              {{"tokens", &tokens}});

    lm::Memory memory = model.emptyMemory(B, description.transformer.memory);
    auto analysis = std::make_unique<lm::FeedForwardAnalysis>(model);
    for (int segment = 0; segment < 2; ++segment) {
      std::vector<int32_t> inputs(B * T), targets(B * T);
      for (int64_t b = 0; b < B; ++b)
        for (int64_t i = 0; i < T; ++i) {
          inputs[b * T + i] = stream[b * (2 * T + 1) + segment * T + i];
          targets[b * T + i] = stream[b * (2 * T + 1) + segment * T + i + 1];
        }
      model.parameters().zeroGrads();
      lm::SegmentLoss loss = model.trainSegment(inputs.data(), targets.data(),
                                                B, memory, /*seed=*/0, segment);
      double total = loss.crossEntropy / loss.tokens + loss.auxiliary;
      runtime::writeSafeTensors(
          out + "/grads" + std::to_string(segment) + ".safetensors",
          tensorsOf(model.parameters(), true),
          {{"loss", exact(total)},
           {"cross_entropy", exact(loss.crossEntropy / loss.tokens)},
           {"auxiliary", exact(loss.auxiliary)}});
      std::cout << "segment " << segment << ": loss " << total << "\n";
    }
    // Counts as i32 tensors: selections and co-occurrence per MoE layer,
    // the active-channel histogram per dense layer.
    std::vector<runtime::Tensor> counts;
    std::vector<std::string> names;
    auto add = [&](const std::string &name, std::vector<int64_t> shape,
                   const std::vector<int64_t> &values) {
      names.push_back(name);
      counts.push_back(runtime::Tensor::fromI32(
          std::move(shape),
          std::vector<int32_t>(values.begin(), values.end())));
    };
    for (const lm::LayerStatistics &s : analysis->layers()) {
      std::string prefix = "layers." + std::to_string(s.layer) + ".";
      if (s.kind == "moe") {
        add(prefix + "selections", {s.experts}, s.selections);
        add(prefix + "cooccurrence", {s.experts, s.experts}, s.cooccurrence);
      } else if (s.kind == "dense") {
        add(prefix + "active_channels",
            {static_cast<int64_t>(s.activeChannelHistogram.size())},
            s.activeChannelHistogram);
      }
    }
    std::vector<std::pair<std::string, const runtime::Tensor *>> entries;
    for (size_t i = 0; i < counts.size(); ++i)
      entries.push_back({names[i], &counts[i]});
    runtime::writeSafeTensors(out + "/analysis.safetensors", entries);
    analysis.reset();
  } catch (const std::exception &error) {
    std::cerr << "lm-fidelity-export: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
