//===- export-layers.cpp - Sieve's layers, run, for PyTorch to check ------===//
//
// Compiles σ-MoE, PKM (ReLU and softmax) and top-K layers with their derived
// backward kernels, runs forward_train and backward on random weights,
// inputs and output gradients, and writes everything to a directory:
// `<case>/<tensor>.f32` (raw little-endian fp32) and `<case>/meta.json`
// (the configuration and every tensor's shape). cross_check.py recomputes
// the same forward and gradients with an independent PyTorch
// implementation and compares.
//
// Usage: sieve-torch-export OUTPUT_DIR
//
//===----------------------------------------------------------------------===//

#include "test/numerics/Harness.h"

#include "runtime/Random/CounterRandom.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>

using namespace sieve;
using namespace sieve::test;

namespace {

constexpr int64_t N = 29, D = 16;

const char *kLayers = R"mlir(
func.func @sigma_moe(%x: tensor<?x16xf32>, %w1: tensor<6x16x5xf32>, %w2: tensor<6x5x16xf32>, %w3: tensor<16x6xf32>, %seed: i64) -> (tensor<?x16xf32>, tensor<f32>) attributes {sieve.backward = "sigma_moe_backward"} {
  %y, %r = sieve.moe_ffn %x, %w1, %w2, %w3 seed(%seed) {num_experts = 6 : i64, expert_size = 5 : i64, k = 2 : i64, selection_activation = #sieve.selection_activation<sigmoid>, expert_dropout = 0.25, regularizer = #sieve.regularizer<entropy>, regularizer_weight = 0.5, train} : (tensor<?x16xf32>, tensor<6x16x5xf32>, tensor<6x5x16xf32>, tensor<16x6xf32>, i64) -> (tensor<?x16xf32>, tensor<f32>)
  return %y, %r : tensor<?x16xf32>, tensor<f32>
}
func.func @pkm_relu(%x: tensor<?x16xf32>, %ka: tensor<8x2x6xf32>, %kb: tensor<8x2x6xf32>, %v: tensor<36x16xf32>) -> tensor<?x16xf32> attributes {sieve.backward = "pkm_relu_backward"} {
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 6 : i64, heads = 2 : i64, k = 3 : i64, activation = #sieve.pkm_activation<relu>} : (tensor<?x16xf32>, tensor<8x2x6xf32>, tensor<8x2x6xf32>, tensor<36x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
func.func @pkm_softmax(%x: tensor<?x16xf32>, %ka: tensor<8x2x6xf32>, %kb: tensor<8x2x6xf32>, %v: tensor<36x16xf32>) -> tensor<?x16xf32> attributes {sieve.backward = "pkm_softmax_backward"} {
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 6 : i64, heads = 2 : i64, k = 3 : i64, activation = #sieve.pkm_activation<softmax>} : (tensor<?x16xf32>, tensor<8x2x6xf32>, tensor<8x2x6xf32>, tensor<36x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
func.func @topk(%x: tensor<?x16xf32>, %w1: tensor<16x40xf32>, %w2: tensor<40x16xf32>) -> tensor<?x16xf32> attributes {sieve.backward = "topk_backward"} {
  %y = sieve.topk_ffn %x, %w1, %w2 {k = 7 : i64} : (tensor<?x16xf32>, tensor<16x40xf32>, tensor<40x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
)mlir";

/// One case's directory: tensors as raw fp32 and their shapes in meta.json.
class CaseWriter {
public:
  CaseWriter(const std::filesystem::path &root, const std::string &name,
             const std::string &config)
      : dir(root / name), config(config) {
    std::filesystem::create_directories(dir);
  }

  void add(const std::string &name, const runtime::Tensor &tensor) {
    std::vector<float> values(tensor.numel());
    const float *data = tensor.data<float>();
    values.assign(data, data + tensor.numel());
    std::ofstream out(dir / (name + ".f32"), std::ios::binary);
    out.write(reinterpret_cast<const char *>(values.data()),
              static_cast<std::streamsize>(values.size() * sizeof(float)));
    std::string shape;
    for (int64_t size : tensor.shape())
      shape += (shape.empty() ? "" : ", ") + std::to_string(size);
    shapes += (shapes.empty() ? "" : ",\n") + std::string("    \"") + name +
              "\": [" + shape + "]";
  }

  ~CaseWriter() {
    std::ofstream meta(dir / "meta.json");
    meta << "{\n  \"config\": " << config << ",\n  \"tensors\": {\n"
         << shapes << "\n  }\n}\n";
  }

private:
  std::filesystem::path dir;
  std::string config, shapes;
};

int64_t numel(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t s : shape)
    n *= s;
  return n;
}

/// Runs `function`'s forward_train and backward on random inputs, weights
/// and gradients, and writes them all.
void exportCase(
    const runtime::Bundle &bundle, std::mt19937 &rng,
    const std::filesystem::path &root, const std::string &function,
    const std::string &config,
    const std::vector<std::pair<std::string, std::vector<int64_t>>> &arguments,
    bool hasAux, std::vector<int64_t> scalars = {},
    const runtime::Tensor *keep = nullptr) {
  CaseWriter writer(root, function, config);
  if (keep)
    writer.add("keep", *keep);
  std::vector<runtime::Tensor> tensors;
  for (const auto &[name, shape] : arguments)
    tensors.push_back(f32(shape, uniform(rng, numel(shape))));
  std::vector<const runtime::Tensor *> inputs;
  for (size_t i = 0; i < tensors.size(); ++i) {
    inputs.push_back(&tensors[i]);
    writer.add(arguments[i].first, tensors[i]);
  }
  std::vector<runtime::Tensor> forward = run(bundle, function, inputs, scalars);
  writer.add("y", forward[0]);
  if (hasAux)
    writer.add("aux_loss", forward[1]);

  runtime::Tensor dy = f32({N, D}, uniform(rng, N * D));
  runtime::Tensor daux = f32({}, {0.75});
  writer.add("dy", dy);
  std::vector<const runtime::Tensor *> backwardInputs = inputs;
  for (size_t i = hasAux ? 2 : 1; i < forward.size(); ++i)
    backwardInputs.push_back(&forward[i]);
  backwardInputs.push_back(&dy);
  if (hasAux) {
    backwardInputs.push_back(&daux);
    writer.add("daux_loss", daux);
  }
  std::vector<runtime::Tensor> grads =
      run(bundle, function + "_backward", backwardInputs);
  for (size_t i = 0; i < grads.size(); ++i)
    writer.add("d" + arguments[i].first, grads[i]);
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: sieve-torch-export OUTPUT_DIR\n";
    return 2;
  }
  std::filesystem::path root = argv[1];
  std::shared_ptr<runtime::Bundle> bundle = compileText(kLayers);
  if (!bundle) {
    std::cerr << "sieve-torch-export: the layers did not compile\n";
    return 1;
  }
  std::mt19937 rng(314159);
  try {
    // σ-MoE with the mask its seed draws, written for PyTorch to apply.
    const int64_t seed = 99;
    std::vector<bool> bits = runtime::bernoulliMask(seed, 0, N * 6, 0.75);
    runtime::Tensor keep =
        f32({N, 6}, std::vector<double>(bits.begin(), bits.end()));
    exportCase(
        *bundle, rng, root, "sigma_moe",
        R"({"kind": "moe", "k": 2, "regularizer_weight": 0.5})",
        {{"x", {N, D}}, {"w1", {6, D, 5}}, {"w2", {6, 5, D}}, {"w3", {D, 6}}},
        true, {seed}, &keep);
    for (const char *activation : {"relu", "softmax"})
      exportCase(*bundle, rng, root, std::string("pkm_") + activation,
                 std::string(R"({"kind": "pkm", "k": 3, "heads": 2, )") +
                     R"("subkeys": 6, "activation": ")" + activation + "\"}",
                 {{"x", {N, D}},
                  {"keys_a", {D / 2, 2, 6}},
                  {"keys_b", {D / 2, 2, 6}},
                  {"values", {36, D}}},
                 false);
    exportCase(*bundle, rng, root, "topk", R"({"kind": "topk", "k": 7})",
               {{"x", {N, D}}, {"w1", {D, 40}}, {"w2", {40, D}}}, false);
  } catch (const std::exception &error) {
    std::cerr << "sieve-torch-export: " << error.what() << "\n";
    return 1;
  }
  std::cout << "sieve-torch-export: wrote 4 cases to " << root.string() << "\n";
  return 0;
}
