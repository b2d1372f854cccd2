//===- LayerConfig.cpp - weight shapes and parameter counts ---------------===//

#include "frontends/ModelDescription/LayerConfig.h"

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
