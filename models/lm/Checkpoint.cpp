//===- Checkpoint.cpp - a training run's state as safetensors -------------===//

#include "models/lm/Checkpoint.h"

#include "runtime/Checkpoint/SafeTensors.h"
#include "runtime/Core/Error.h"

#include <cstring>

using namespace sieve;
using namespace sieve::lm;

namespace {

using TensorList = std::vector<std::pair<std::string, const runtime::Tensor *>>;

TensorList parameterList(TransformerXL &model) {
  TensorList list;
  for (const Parameter &p : model.parameters().all())
    list.push_back({p.name, &p.value});
  return list;
}

/// Copies `name` from `file` into `into`, checking its shape.
void restore(const runtime::SafeTensors &file, const std::string &path,
             const std::string &name, runtime::Tensor &into) {
  auto it = file.tensors.find(name);
  if (it == file.tensors.end())
    throw runtime::Error("checkpoint " + path + " has no tensor '" + name +
                         "' (is it a checkpoint of another model?)");
  if (it->second.shape() != into.shape() || it->second.dtype() != into.dtype())
    throw runtime::Error("checkpoint " + path + ": tensor '" + name + "' is " +
                         it->second.describe() + " but the model's is " +
                         into.describe());
  std::memcpy(into.raw(), it->second.raw(), into.bytes());
}

int64_t integerMetadata(const runtime::SafeTensors &file,
                        const std::string &path, const std::string &key) {
  auto it = file.metadata.find(key);
  if (it == file.metadata.end())
    throw runtime::Error("checkpoint " + path + " has no '" + key +
                         "' (not a training checkpoint; a weights file "
                         "cannot be resumed)");
  try {
    return std::stoll(it->second);
  } catch (const std::exception &) {
    throw runtime::Error("checkpoint " + path + ": '" + key + "' is '" +
                         it->second + "', not an integer");
  }
}

} // namespace

void sieve::lm::saveCheckpoint(const std::string &path, TransformerXL &model,
                               Adam &adam, const TrainingState &state) {
  TensorList list = parameterList(model);
  for (const auto &[name, tensor] : adam.state())
    list.push_back({name, tensor});
  for (size_t l = 0; l < state.memory.layers.size(); ++l)
    list.push_back({"memory." + std::to_string(l), &state.memory.layers[l]});
  runtime::writeSafeTensors(
      path, list,
      {{"sieve.kind", "training-checkpoint"},
       {"sieve.model", model.description().name},
       {"step", std::to_string(state.step)},
       {"adam_steps", std::to_string(adam.steps())},
       {"memory_length", std::to_string(state.memory.length)},
       {"ffn_precision", runtime::name(model.ffnTensorType())}});
}

void sieve::lm::loadCheckpoint(const std::string &path, TransformerXL &model,
                               Adam &adam, TrainingState &state) {
  runtime::SafeTensors file = runtime::readSafeTensors(path);
  // Resuming in another precision would not compute the losses the
  // interrupted run would have (checkpoints before bf16 existed are f32).
  auto precision = file.metadata.find("ffn_precision");
  std::string saved =
      precision == file.metadata.end() ? "f32" : precision->second;
  std::string current = runtime::name(model.ffnTensorType());
  if (saved != current)
    throw runtime::Error("checkpoint " + path + " was trained with " +
                         "--precision " + saved + "; resume it with the " +
                         "same precision (this run's is " + current + ")");
  state.step = integerMetadata(file, path, "step");
  adam.setSteps(integerMetadata(file, path, "adam_steps"));
  state.memory.length = integerMetadata(file, path, "memory_length");
  if (state.memory.length < 0 || state.memory.length > state.memory.capacity)
    throw runtime::Error("checkpoint " + path + ": memory_length " +
                         std::to_string(state.memory.length) +
                         " does not fit the model's memory of " +
                         std::to_string(state.memory.capacity));
  for (Parameter &p : model.parameters().all())
    restore(file, path, p.name, p.value);
  for (const auto &[name, tensor] : adam.state())
    restore(file, path, name, *tensor);
  for (size_t l = 0; l < state.memory.layers.size(); ++l)
    restore(file, path, "memory." + std::to_string(l), state.memory.layers[l]);
}

void sieve::lm::saveWeights(const std::string &path, TransformerXL &model) {
  runtime::writeSafeTensors(
      path, parameterList(model),
      {{"sieve.kind", "weights"}, {"sieve.model", model.description().name}});
}

void sieve::lm::loadWeights(const std::string &path, TransformerXL &model) {
  runtime::SafeTensors file = runtime::readSafeTensors(path);
  for (Parameter &p : model.parameters().all())
    restore(file, path, p.name, p.value);
}
