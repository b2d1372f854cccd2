//===- LayerConfig.cpp - weight shapes and parameter counts ---------------===//

#include "frontends/ModelDescription/LayerConfig.h"

#include <cstdio>
#include <cstdlib>

using namespace sieve::model;

namespace {
using Shapes = std::vector<std::vector<int64_t>>;

// Shapes in Sieve's row-vector layout (see the dialect's description).
Shapes shapesOf(const DenseFfnConfig &c) {
  return {{c.dModel, c.dFF}, {c.dFF, c.dModel}};
}
Shapes shapesOf(const TopKFfnConfig &c) {
  return {{c.dModel, c.dFF}, {c.dFF, c.dModel}};
}
Shapes shapesOf(const PkmFfnConfig &c) {
  std::vector<int64_t> keys = {c.dModel / 2, c.heads, c.numSubkeys};
  return {keys, keys, {c.numSubkeys * c.numSubkeys, c.dModel}};
}
Shapes shapesOf(const MoeFfnConfig &c) {
  return {{c.numExperts, c.dModel, c.expertSize},
          {c.numExperts, c.expertSize, c.dModel},
          {c.dModel, c.numExperts}};
}
Shapes shapesOf(const MoweFfnConfig &c) {
  Shapes shapes;
  for (const MoweBucketConfig &b : c.buckets) {
    int64_t experts = b.blocks * b.expertsPerBlock;
    shapes.push_back({experts, c.dModel, b.expertSize});
    shapes.push_back({experts, b.expertSize, c.dModel});
  }
  return shapes;
}
} // namespace

std::vector<std::vector<int64_t>>
sieve::model::weightShapes(const LayerConfig &config) {
  return std::visit([](const auto &c) { return shapesOf(c); }, config);
}

std::vector<std::string> sieve::model::weightNames(const LayerConfig &config) {
  if (std::holds_alternative<PkmFfnConfig>(config))
    return {"keys_a", "keys_b", "values"};
  if (std::holds_alternative<MoeFfnConfig>(config))
    return {"w1", "w2", "w3"};
  if (const auto *mowe = std::get_if<MoweFfnConfig>(&config)) {
    std::vector<std::string> names;
    for (size_t i = 0; i < mowe->buckets.size(); ++i) {
      names.push_back("w1_b" + std::to_string(i));
      names.push_back("w2_b" + std::to_string(i));
    }
    return names;
  }
  return {"w1", "w2"};
}

int64_t sieve::model::countParameters(const LayerConfig &config) {
  int64_t total = 0;
  for (const std::vector<int64_t> &shape : weightShapes(config)) {
    int64_t elements = 1;
    for (int64_t size : shape)
      elements *= size;
    total += elements;
  }
  return total;
}

int64_t sieve::model::modelWidth(const LayerConfig &config) {
  return std::visit([](const auto &c) { return c.dModel; }, config);
}

const char *sieve::model::kindName(const LayerConfig &config) {
  switch (config.index()) {
  case 0:
    return "dense";
  case 1:
    return "topk";
  case 2:
    return "pkm";
  case 3:
    return "moe";
  default:
    return "mowe";
  }
}

namespace {
/// The shortest decimal that reads back as `value`.
std::string number(double value) {
  char text[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value)
      break;
  }
  return text;
}

const char *name(SelectionActivation a) {
  switch (a) {
  case SelectionActivation::Sigmoid:
    return "sigmoid";
  case SelectionActivation::Softmax:
    return "softmax";
  case SelectionActivation::SoftmaxRenorm:
    return "softmax_renorm";
  }
  return "?";
}
const char *name(Regularizer r) {
  switch (r) {
  case Regularizer::None:
    return "none";
  case Regularizer::Entropy:
    return "entropy";
  case Regularizer::Switch:
    return "switch";
  }
  return "?";
}

std::string describe(const DenseFfnConfig &c) {
  return "dense d_model=" + std::to_string(c.dModel) +
         " d_ff=" + std::to_string(c.dFF);
}
std::string describe(const TopKFfnConfig &c) {
  return "topk d_model=" + std::to_string(c.dModel) +
         " d_ff=" + std::to_string(c.dFF) + " K=" + std::to_string(c.k);
}
std::string describe(const PkmFfnConfig &c) {
  return "pkm d_model=" + std::to_string(c.dModel) +
         " subkeys=" + std::to_string(c.numSubkeys) +
         " heads=" + std::to_string(c.heads) + " K=" + std::to_string(c.k) +
         (c.activation == PkmActivation::ReLU ? " relu" : " softmax") +
         (c.denseInit ? " dense_init" : "");
}
std::string describe(const MoeFfnConfig &c) {
  std::string text =
      "moe d_model=" + std::to_string(c.dModel) +
      " N_E=" + std::to_string(c.numExperts) +
      " G=" + std::to_string(c.expertSize) + " K=" + std::to_string(c.k) + " " +
      name(c.selectionActivation) +
      (c.selection == ExpertSelection::Sinkhorn
           ? " sinkhorn(" + std::to_string(c.sinkhornIterations.value_or(0)) +
                 ")"
           : " topk") +
      " delta=" + number(c.expertDropout) + " " + name(c.regularizer);
  if (c.regularizer != Regularizer::None)
    text += " gamma=" + number(c.regularizerWeight);
  text +=
      " dropout=" + number(c.activationDropout) +
      (c.init == ExpertInit::SigmaMoe ? " init=sigma_moe" : " init=standard");
  return text;
}
std::string describe(const MoweFfnConfig &c) {
  std::string text = "mowe d_model=" + std::to_string(c.dModel) +
                     " routing_vocab=" + std::to_string(c.routingVocabSize) +
                     " unrouted=" + std::to_string(c.numUnrouted);
  for (const MoweBucketConfig &b : c.buckets)
    text += " [ids=" + std::to_string(b.routingIds) +
            " blocks=" + std::to_string(b.blocks) + "x" +
            std::to_string(b.expertsPerBlock) +
            " G=" + std::to_string(b.expertSize) + "]";
  return text;
}
} // namespace

std::string sieve::model::summary(const LayerConfig &config) {
  return std::visit([](const auto &c) { return describe(c); }, config);
}
