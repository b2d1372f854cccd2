//===- FfnBenchPlan.cpp - what the GPU feed-forward benchmark measures ----===//

#include "benchmarks/gpu/FfnBenchPlan.h"

using namespace sieve::bench;

std::string MoeBenchConfig::name() const {
  return "moe-d" + std::to_string(dModel) + "-e" + std::to_string(experts) +
         "-g" + std::to_string(expertSize) + "-k" + std::to_string(k) + "-" +
         precision;
}

std::string MoeBenchConfig::tensorDtype() const {
  return precision == "bf16" ? "bf16" : "f32";
}

std::string MoeBenchConfig::modelYaml() const {
  // One layer; only the feed-forward block is compiled. Sigmoid selection
  // and the entropy regulariser as in the paper; no expert dropout (the
  // Fig. 2 timing is of the layer itself).
  return "# " + name() +
         ": the sigma-MoE block of sieve-gpu-ffn-bench (generated)\n"
         "name: " +
         name() +
         "\n"
         "tokenizer: {kind: bytes}\n"
         "model:\n"
         "  d_model: " +
         std::to_string(dModel) +
         "\n"
         "  layers: 1\n"
         "  heads: 8\n"
         "  head_size: " +
         std::to_string(dModel / 8) +
         "\n"
         "  context: 256\n"
         "  dropout: 0.1\n"
         "  ffn: {kind: moe, experts: " +
         std::to_string(experts) +
         ", expert_size: " + std::to_string(expertSize) +
         ", k: " + std::to_string(k) +
         ",\n"
         "        regularizer: entropy, regularizer_weight: 0.001}\n";
}

std::vector<MoeBenchConfig> sieve::bench::moeBenchPlan() {
  std::vector<MoeBenchConfig> plan;
  for (const char *precision : {"f32", "tf32", "bf16"}) {
    for (int64_t experts : {8, 16, 32, 64, 128, 256})
      plan.push_back({512, experts, 128, 4, precision});
    plan.push_back({1024, 32, 128, 4, precision});
  }
  return plan;
}

int64_t sieve::bench::parameterEqualDff(const MoeBenchConfig &config) {
  return config.experts * config.expertSize + (config.experts + 1) / 2;
}

int64_t sieve::bench::flopEqualDff(const MoeBenchConfig &config) {
  return config.k * config.expertSize;
}

double sieve::bench::moeFlops(const MoeBenchConfig &config, int64_t tokens) {
  return 12.0 * double(tokens) * double(config.k) * double(config.dModel) *
         double(config.expertSize);
}

double sieve::bench::denseFlops(int64_t dModel, int64_t dff, int64_t tokens) {
  return 12.0 * double(tokens) * double(dModel) * double(dff);
}

double GatherSumBenchConfig::bytesMoved(int64_t tokens) const {
  double t = double(tokens);
  double rowsRead = t * double(selected) * double(dModel) * 4;
  double indicesAndWeights = t * double(selected) * (4 + 4);
  double output = 2 * t * double(dModel) * 4;
  return rowsRead + indicesAndWeights + output;
}

double sieve::bench::peakDramBytesPerSecond(int64_t memoryClockKHz,
                                            int64_t busWidthBits) {
  return 2.0 * double(memoryClockKHz) * 1e3 * double(busWidthBits) / 8.0;
}
