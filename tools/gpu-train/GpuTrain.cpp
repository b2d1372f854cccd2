//===- GpuTrain.cpp - GPU training from kernels compiled elsewhere --------===//
//
// `sieve train --device cuda` compiles the model's kernels, so it needs
// LLVM; a GPU node without it runs this instead, with the bundle `sieve
// compile MODEL.yaml --target sm_90a --tensor-dtype bf16 -o DIR` wrote on
// a build machine:
//
//   sieve-gpu-train MODEL.yaml KERNELS --out RUN [--steps N]
//       [--corpus FILE] [--device cuda|emulated] [--tuning-db FILE]
//
// Byte-level corpora only (the description's, or --corpus). The training
// loop, metrics.jsonl, checkpoints and train.json are `sieve train`'s.
// Exit codes: 0 trained, 1 an error (said on stderr), 77 no GPU.
//
//===----------------------------------------------------------------------===//

#include "frontends/ModelDescription/ModelDescription.h"
#include "models/lm/Cuda/CudaDenseOps.h"
#include "models/lm/Device/HostDenseOps.h"
#include "models/lm/Trainer.h"
#include "runtime/Core/Error.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

using namespace sieve;

namespace {

struct Arguments {
  std::string model, kernels, out, corpus, device = "cuda", tuningDb;
  int64_t steps = 0;
};

bool parse(int argc, char **argv, Arguments &args) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string &into) {
      if (i + 1 >= argc)
        return false;
      into = argv[++i];
      return true;
    };
    std::string number;
    std::string *into = arg == "--out"         ? &args.out
                        : arg == "--corpus"    ? &args.corpus
                        : arg == "--device"    ? &args.device
                        : arg == "--tuning-db" ? &args.tuningDb
                        : arg == "--steps"     ? &number
                                               : nullptr;
    if (!into)
      positional.push_back(arg);
    else if (!value(*into))
      return false;
    if (!number.empty()) {
      char *end = nullptr;
      args.steps = std::strtoll(number.c_str(), &end, 10);
      if (*end || args.steps < 0)
        return false;
    }
  }
  if (positional.size() != 2 || args.out.empty() ||
      (args.device != "cuda" && args.device != "emulated"))
    return false;
  args.model = positional[0];
  args.kernels = positional[1];
  return true;
}

} // namespace

int main(int argc, char **argv) {
  Arguments args;
  if (!parse(argc, argv, args)) {
    std::fprintf(stderr, "usage: sieve-gpu-train MODEL.yaml KERNELS --out RUN "
                         "[--steps N] [--corpus FILE] [--device cuda|emulated] "
                         "[--tuning-db FILE]\n");
    return 1;
  }
  model::ReadResult read = model::readModelDescription(args.model);
  for (const model::Diagnostic &error : read.errors)
    std::fprintf(stderr, "%s\n", error.str().c_str());
  if (!read.description)
    return 1;
  const model::ModelDescription &d = *read.description;
  try {
    std::unique_ptr<runtime::cuda::GpuExecutor> executor;
    if (args.device == "cuda") {
      std::string why;
      executor = runtime::cuda::GpuExecutor::create(&why);
      if (!executor) {
        std::printf("sieve-gpu-train: no GPU: %s\n", why.c_str());
        return 77;
      }
    }
    if (d.tokenizer.kind != model::TokenizerKind::Bytes)
      throw runtime::Error("sieve-gpu-train reads byte-level corpora only; " +
                           d.name + " is a subword model");
    auto kernels = runtime::Bundle::load(args.kernels);
    if (kernels->isGpu() != (args.device == "cuda"))
      throw runtime::Error("bundle " + args.kernels + " targets " +
                           kernels->manifest().targetName + ", not the " +
                           args.device + " device");
    lm::Corpus corpus = lm::loadByteCorpus(
        !args.corpus.empty()       ? args.corpus
        : d.data.corpus == "gcide" ? d.data.corpus
                                   : model::resolvePath(d, d.data.corpus),
        d.data.limit);
    lm::TransformerXL host(d, kernels);
    lm::cuda::TrainingOps gpu;
    std::unique_ptr<lm::device::DenseOps> ops;
    if (executor) {
      gpu = lm::cuda::createTrainingOps(*executor, args.tuningDb, false);
      ops = std::move(gpu.ops);
      std::fprintf(stderr, "device: %s\n", executor->describeDevice().c_str());
    } else {
      ops = std::make_unique<lm::device::HostDenseOps>();
    }
    lm::DeviceTransformerXL program(d, host.parameters(), kernels, *ops,
                                    host.ffnTensorType());
    lm::DeviceTraining training(program, d.training.batchSize,
                                d.transformer.memory);
    lm::TrainOptions options;
    options.outputDirectory = args.out;
    options.steps = args.steps;
    options.progress = &std::cerr;
    options.device = &training;
    lm::TrainResult result = lm::trainModel(host, corpus, options);
    std::ofstream(args.out + "/train.json")
        << "{\"model\": \"" << d.name << "\", \"device\": \"" << args.device
        << "\", \"precision\": \"" << runtime::name(host.ffnTensorType())
        << "\", \"kernels\": \"" << kernels->manifest().targetName
        << "\", \"steps\": " << result.lastStep
        << ", \"tokens_per_s\": " << result.tokensPerSecond()
        << ", \"seconds\": " << result.seconds
        << ", \"last_loss\": " << result.lastLoss << "}\n";
    std::printf("sieve-gpu-train: %s steps %lld..%lld on %s, %.0f tokens/s, "
                "last loss %.4f\n",
                d.name.c_str(), (long long)result.firstStep,
                (long long)result.lastStep, args.device.c_str(),
                result.tokensPerSecond(), result.lastLoss);
  } catch (const runtime::Error &error) {
    std::fprintf(stderr, "sieve-gpu-train: error: %s\n", error.what());
    return 1;
  }
  return 0;
}
