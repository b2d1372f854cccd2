//===- ParameterCount.cpp - a model's parameters by component -------------===//

#include "models/lm/ParameterCount.h"

#include <cmath>
#include <map>

using namespace sieve;
using namespace sieve::lm;

ParameterCount
sieve::lm::countModelParameters(const model::ModelDescription &d) {
  const model::TransformerConfig &t = d.transformer;
  int64_t vocab = d.tokenizer.vocabSize, width = t.heads * t.headSize;
  ParameterCount count;
  count.embedding = vocab * t.dModel;
  // Wq, Wk, Wv, Wr (d_model x width), Wo (width x d_model), u, v.
  count.attention = t.layers * (5 * t.dModel * width + 2 * width);
  count.layerNorms = (4 * t.layers + 2) * t.dModel;
  std::map<std::string, int64_t> byKind;
  bool moweCounted = false;
  for (const model::FfnBlock &block : d.ffn) {
    // The MoWE layers share one set of experts (MoWE App. A).
    bool mowe = std::holds_alternative<model::MoweFfnConfig>(block.config);
    if (mowe && moweCounted)
      continue;
    moweCounted |= mowe;
    int64_t parameters = model::countParameters(block.config);
    count.feedForward += parameters;
    byKind[model::kindName(block.config)] += parameters;
  }
  count.feedForwardByKind.assign(byKind.begin(), byKind.end());
  count.output = t.dModel * vocab + vocab;
  return count;
}

int64_t sieve::lm::parameterEqualDenseWidth(const model::LayerConfig &config) {
  double dModel = double(model::modelWidth(config));
  return static_cast<int64_t>(
      std::llround(double(model::countParameters(config)) / (2.0 * dModel)));
}

namespace {
/// Multiply-adds of one token through a feed-forward block.
double ffnMacs(const model::LayerConfig &config, double moweWidth) {
  if (const auto *c = std::get_if<model::DenseFfnConfig>(&config))
    return 2.0 * c->dModel * c->dFF;
  if (const auto *c = std::get_if<model::TopKFfnConfig>(&config))
    return double(c->dModel) * c->dFF + double(c->k) * c->dModel;
  if (const auto *c = std::get_if<model::PkmFfnConfig>(&config))
    return double(c->dModel) * c->heads * c->numSubkeys +
           double(c->heads) * c->k * c->dModel;
  if (const auto *c = std::get_if<model::MoeFfnConfig>(&config))
    return double(c->dModel) * c->numExperts +
           2.0 * c->k * c->expertSize * c->dModel;
  const auto &c = std::get<model::MoweFfnConfig>(config);
  if (moweWidth > 0)
    return 2.0 * c.dModel * moweWidth;
  return 2.0 * c.dModel * (c.buckets.empty() ? 0 : c.buckets[0].expertSize);
}
} // namespace

double sieve::lm::feedForwardFlopShare(const model::ModelDescription &d,
                                       int64_t keys, double moweWidth) {
  const model::TransformerConfig &t = d.transformer;
  double width = double(t.heads) * t.headSize;
  double ffn = 0, other = 0;
  for (const model::FfnBlock &block : d.ffn) {
    ffn += ffnMacs(block.config, moweWidth);
    // Projections (q, k, v, o; r is per segment, not per token) and the
    // two attention products over the keys.
    other += 4.0 * t.dModel * width + 3.0 * keys * width;
  }
  other += double(t.dModel) * d.tokenizer.vocabSize;
  return ffn / (ffn + other);
}
