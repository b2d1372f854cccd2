//===- ModelSetup.cpp - what the language-model commands share ------------===//

#include "tools/sieve/ModelSetup.h"

#include "compiler/Cache/KernelCache.h"
#include "compiler/Driver/ModelKernels.h"
#include "models/lm/Cuda/CudaDenseOps.h"
#include "models/lm/Device/HostDenseOps.h"
#include "models/lm/MoweData.h"
#include "models/lm/SubwordCorpus.h"
#include "runtime/Core/Error.h"

#include <fmt/format.h>

#include <iostream>

namespace lm = ::sieve::lm;
namespace model = ::sieve::model;

std::optional<model::ModelDescription>
mlir::sieve::driver::readDescription(const std::string &path) {
  model::ReadResult result = model::readModelDescription(path);
  for (const model::Diagnostic &error : result.errors)
    fmt::print(stderr, "{}\n", error.str());
  return result.description;
}

std::string
mlir::sieve::driver::runDirectory(const std::string &given,
                                  const model::ModelDescription &d) {
  return given.empty() ? "runs/" + d.name : given;
}

std::unique_ptr<lm::TransformerXL> mlir::sieve::driver::buildModel(
    const model::ModelDescription &d, const std::string &run,
    const std::string &cache, ::sieve::runtime::DType precision,
    const std::string &target) {
  bool hit = false;
  std::string directory = run + "/kernels";
  if (target != "host")
    directory += "-" + target;
  if (precision != ::sieve::runtime::DType::F32)
    directory += std::string("-") + ::sieve::runtime::name(precision);
  auto kernels = mlir::sieve::compileModelKernels(d, directory, cache, &hit,
                                                  precision, target);
  fmt::print(stderr, "kernels: {} ({}, {} tensors)\n", directory,
             hit ? "cache hit" : "compiled", ::sieve::runtime::name(precision));
  return std::make_unique<lm::TransformerXL>(d, kernels);
}

std::optional<mlir::sieve::driver::RunDevice>
mlir::sieve::driver::parseDevice(const std::string &text, const char *command) {
  if (text == "cpu")
    return RunDevice::Cpu;
  if (text == "cuda")
    return RunDevice::Cuda;
  if (text == "emulated")
    return RunDevice::Emulated;
  fmt::print(stderr,
             "{}: error: unknown --device '{}' (cpu, cuda, or emulated: GPU "
             "training's program on the host)\n",
             command, text);
  return std::nullopt;
}

std::string mlir::sieve::driver::openGpu(DeviceSetup &setup) {
  std::string why;
  setup.executor = ::sieve::runtime::cuda::GpuExecutor::create(&why);
  if (!setup.executor)
    throw ::sieve::runtime::Error("--device cuda: no GPU: " + why);
  int capability = setup.executor->runtime().driver().computeCapability();
  if (capability >= 90)
    return "sm_90a";
  if (capability >= 80)
    return "sm_80";
  throw ::sieve::runtime::Error(
      "--device cuda: " + setup.executor->describeDevice() +
      " has compute capability " + std::to_string(capability / 10) + "." +
      std::to_string(capability % 10) + "; the kernels need 8.0 or newer");
}

void mlir::sieve::driver::buildDeviceProgram(DeviceSetup &setup,
                                             RunDevice device,
                                             lm::TransformerXL &model,
                                             const std::string &tuningDatabase,
                                             bool deterministic) {
  bool mixed = model.ffnTensorType() != ::sieve::runtime::DType::F32;
  if (device == RunDevice::Cuda) {
    lm::cuda::TrainingOps training = lm::cuda::createTrainingOps(
        *setup.executor, tuningDatabase, deterministic);
    setup.database = std::move(training.database);
    setup.ops = std::move(training.ops);
    fmt::print(
        stderr,
        "device: {} (feed-forward kernels {}; dense GEMMs by cuBLAS "
        "{}; tuning database {}, {} entries{})\n",
        setup.executor->describeDevice(), mixed ? "on bf16 tensors" : "in f32",
        mixed ? "on bf16 operands, f32 sums" : "in f32", training.databasePath,
        setup.database->size(), deterministic ? ", deterministic" : "");
  } else {
    setup.ops = std::make_unique<lm::device::HostDenseOps>();
    fmt::print(stderr,
               "device: emulated (GPU training's program on the "
               "host backend{})\n",
               mixed ? "; dense GEMMs on bf16 operands, f32 sums" : "");
  }
  // Mixed precision is bf16 everywhere: the dense GEMMs' operands too.
  setup.program = std::make_unique<lm::DeviceTransformerXL>(
      model.description(), model.parameters(), model.kernelBundle(), *setup.ops,
      model.ffnTensorType());
}

std::optional<::sieve::runtime::DType>
mlir::sieve::driver::parsePrecision(const std::string &text,
                                    const char *command) {
  if (text == "f32")
    return ::sieve::runtime::DType::F32;
  if (text == "bf16")
    return ::sieve::runtime::DType::BF16;
  fmt::print(stderr,
             "{}: error: unknown --precision '{}' (f32, or bf16: the "
             "feed-forward kernels on bf16 tensors with f32 master weights{})"
             "\n",
             command, text,
             text == "f16" ? "; f16 would need loss scaling, which is not "
                             "implemented"
                           : "");
  return std::nullopt;
}

lm::Corpus mlir::sieve::driver::loadCorpus(const model::ModelDescription &d,
                                           const std::string &cache) {
  if (d.tokenizer.kind == model::TokenizerKind::SentencePiece)
    return lm::loadSubwordCorpus(
        d, cache.empty() ? KernelCache::defaultDirectory() : cache, std::cerr);
  return lm::loadByteCorpus(d.data.corpus == "gcide"
                                ? d.data.corpus
                                : model::resolvePath(d, d.data.corpus),
                            d.data.limit);
}

mlir::sieve::driver::RoutingSummary
mlir::sieve::driver::prepareRouting(const model::ModelDescription &d,
                                    lm::Corpus &corpus, const std::string &run,
                                    bool build, const std::string &from) {
  RoutingSummary summary;
  if (model::moweLayers(d).empty())
    return summary;
  summary.vocabulary =
      lm::runRoutingVocabulary(d, corpus, run, build, from, &std::cerr);
  const lm::RoutingVocabulary &vocabulary = summary.vocabulary;
  lm::RoutingThroughput throughput = lm::routeCorpus(vocabulary, corpus);
  const model::MoweFfnConfig &block = lm::moweBlock(d);
  summary.routed = true;
  summary.tokensPerSecond = throughput.tokensPerSecond();
  summary.seconds = throughput.seconds;
  summary.bucketShares = lm::bucketTokenShares(block, vocabulary);
  summary.meanActiveWidth = lm::meanActiveWidth(block, vocabulary);
  std::string shares;
  for (size_t b = 1; b < summary.bucketShares.size(); ++b)
    shares += fmt::format("{}{:.1f}%", b > 1 ? ", " : "",
                          100 * summary.bucketShares[b]);
  fmt::print(stderr,
             "routing: {} tokens in {:.2f} s ({:.1f} M tokens/s, once before "
             "training); unrouted {:.1f}%, buckets {}; mean expert width "
             "{:.1f}\n",
             throughput.tokens, throughput.seconds,
             throughput.tokensPerSecond() / 1e6, 100 * summary.bucketShares[0],
             shares, summary.meanActiveWidth);
  return summary;
}
