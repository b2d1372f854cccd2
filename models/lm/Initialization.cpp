//===- Initialization.cpp - the papers' parameter initialisation ----------===//

#include "models/lm/Initialization.h"

#include "runtime/Random/CounterRandom.h"

#include <cmath>
#include <string>

using namespace sieve;
using namespace sieve::lm;

double sieve::lm::gaussian(uint64_t seed, uint64_t stream, uint64_t index) {
  // Box-Muller on two 53-bit uniforms from the counter-based generator.
  auto uniform = [&](uint64_t half) {
    return (double(
                (runtime::counterBits(seed, stream, 2 * index + half) >> 11)) +
            0.5) /
           9007199254740992.0;
  };
  return std::sqrt(-2.0 * std::log(uniform(0))) *
         std::cos(6.283185307179586 * uniform(1));
}

namespace {

bool endsWith(const std::string &text, const std::string &suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// The FFN block configuration of the layer a parameter belongs to.
const model::LayerConfig *ffnOf(const model::ModelDescription &description,
                                const std::string &name) {
  // The MoWE layers' shared experts ("mowe.ffn.*").
  if (name.rfind("mowe.", 0) == 0) {
    std::vector<int64_t> layers = model::moweLayers(description);
    return layers.empty() ? nullptr : &description.ffn[layers[0]].config;
  }
  if (name.rfind("layers.", 0) != 0)
    return nullptr;
  size_t layer = std::stoul(name.substr(7));
  return layer < description.ffn.size() ? &description.ffn[layer].config
                                        : nullptr;
}

/// The standard deviation of a parameter's draw; 0 means a constant.
double stdOf(const model::ModelDescription &d, const Parameter &p,
             double *constant) {
  const std::string &n = p.name;
  int64_t dModel = d.transformer.dModel;
  double depth = std::sqrt(2.0 / double(d.transformer.layers));
  *constant = 0.0;
  if (endsWith(n, "ln1.weight") || endsWith(n, "ln2.weight") ||
      n == "ln.weight") {
    *constant = 1.0;
    return 0.0;
  }
  if (endsWith(n, ".bias") || endsWith(n, "attention.u") ||
      endsWith(n, "attention.v"))
    return 0.0;
  if (endsWith(n, "attention.wo"))
    return 1.0 / std::sqrt(double(p.value.dim(0)));
  if (n.find(".ffn.") == std::string::npos)
    return 1.0 / std::sqrt(double(dModel));

  const model::LayerConfig &config = *ffnOf(d, n);
  if (const auto *pkm = std::get_if<model::PkmFfnConfig>(&config)) {
    if (endsWith(n, "keys_a") || endsWith(n, "keys_b"))
      return 1.0 / std::sqrt(double(dModel / 2));
    double rows = pkm->denseInit ? double(pkm->numSubkeys * pkm->numSubkeys)
                                 : double(pkm->heads * pkm->k);
    return depth / std::sqrt(rows);
  }
  if (const auto *moe = std::get_if<model::MoeFfnConfig>(&config)) {
    if (endsWith(n, "w3"))
      return 1.0 / std::sqrt(double(dModel));
    if (endsWith(n, "w1"))
      return depth / std::sqrt(double(dModel));
    double fanIn = moe->init == model::ExpertInit::SigmaMoe
                       ? double(moe->numExperts * moe->expertSize)
                       : double(moe->expertSize);
    return depth / std::sqrt(fanIn);
  }
  // MoWE: w1_b is E x d_model x G, w2_b E x G x d_model; each expert is a
  // dense block.
  if (std::holds_alternative<model::MoweFfnConfig>(config))
    return depth / std::sqrt(double(p.value.dim(1)));
  // Dense and top-K: W1 is d_model x d_ff, W2 d_ff x d_model.
  return depth / std::sqrt(double(p.value.dim(0)));
}

/// σ-MoE's selection init: every expert's column of W3 (d_model x N_E)
/// rescaled to the mean column norm.
void equalizeColumns(Parameter &w3) {
  int64_t rows = w3.value.dim(0), columns = w3.value.dim(1);
  float *w = w3.data();
  std::vector<double> norms(columns, 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < columns; ++c)
      norms[c] += double(w[r * columns + c]) * w[r * columns + c];
  double mean = 0;
  for (double &norm : norms)
    mean += (norm = std::sqrt(norm)) / double(columns);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < columns; ++c)
      w[r * columns + c] *= static_cast<float>(mean / norms[c]);
}

} // namespace

void sieve::lm::initializeParameters(Parameters &params,
                                     const model::ModelDescription &d,
                                     uint64_t seed) {
  uint64_t stream = 0;
  for (Parameter &p : params.all()) {
    ++stream;
    double constant;
    double deviation = stdOf(d, p, &constant);
    float *data = p.data();
    for (int64_t i = 0; i < p.numel(); ++i)
      data[i] = deviation == 0.0
                    ? static_cast<float>(constant)
                    : static_cast<float>(deviation * gaussian(seed, stream, i));
    const model::LayerConfig *config = ffnOf(d, p.name);
    if (config && std::holds_alternative<model::MoeFfnConfig>(*config) &&
        endsWith(p.name, "ffn.w3") &&
        std::get<model::MoeFfnConfig>(*config).init ==
            model::ExpertInit::SigmaMoe)
      equalizeColumns(p);
  }
}
