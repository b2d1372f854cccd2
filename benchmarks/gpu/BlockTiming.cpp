//===- BlockTiming.cpp - time a GPU bundle's training step of each block --===//
//
//   sieve-gpu-block-timing BUNDLE TOKENS [REPETITIONS]
//
// For each feed-forward block of a GPU bundle, and each of its compiled
// tile variants: random inputs at TOKENS tokens, one warm-up, then
// REPETITIONS timed runs of the training forward
// and of the backward (each call waits for the GPU), and prints the median
// milliseconds of each and of both; with SIEVE_CUDA_PROFILE=1, each kernel's
// time too (launches then run one at a time). Wall-clock timing around
// synchronised calls: it includes launch overhead and the runtime's
// allocations, as a training step sees them.
//
//===----------------------------------------------------------------------===//

#include "runtime/Bundle/Bundle.h"
#include "runtime/Core/Error.h"
#include "runtime/Cuda/GpuExecutor.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace sieve::runtime;

namespace {

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

cuda::DeviceTensor randomDevice(cuda::GpuExecutor &gpu, const ArgSpec &spec,
                                int64_t tokens, std::mt19937 &rng) {
  Tensor host(spec.dtype, spec.shapeFor(tokens));
  if (spec.dtype == DType::F32) {
    std::normal_distribution<float> normal(0.0f, 0.05f);
    for (int64_t i = 0; i < host.numel(); ++i)
      host.data<float>()[i] = normal(rng);
  }
  return gpu.upload(host);
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: sieve-gpu-block-timing BUNDLE TOKENS [REPETITIONS]\n");
    return 2;
  }
  std::string why;
  auto gpu = cuda::GpuExecutor::create(&why);
  if (!gpu) {
    std::printf("no GPU: %s\n", why.c_str());
    return 77;
  }
  int64_t tokens = std::atoll(argv[2]);
  int repetitions = argc > 3 ? std::atoi(argv[3]) : 10;
  try {
    auto bundle = Bundle::load(argv[1]);
    std::printf("GPU: %s; bundle %s (%s)\n", gpu->describeDevice().c_str(),
                argv[1],
                bundle->manifest().targetDescription.substr(0, 60).c_str());
    std::mt19937 rng(7);
    for (const FunctionSpec &fn : bundle->manifest().functions) {
      const std::string suffix = "_forward_train";
      if (fn.name.size() < suffix.size() ||
          fn.name.substr(fn.name.size() - suffix.size()) != suffix)
        continue;
      std::string stem = fn.name.substr(0, fn.name.size() - suffix.size());
      const FunctionSpec &backward = bundle->function(stem + "_backward");
      std::map<std::string, cuda::DeviceTensor> named;
      std::vector<int64_t> scalars;
      std::vector<const cuda::DeviceTensor *> forwardIn;
      std::vector<cuda::DeviceTensor *> forwardOut;
      for (const ArgSpec &arg : fn.args) {
        if (arg.kind == ArgKind::Scalar) {
          scalars.push_back(1);
          continue;
        }
        if (arg.kind == ArgKind::Input) {
          named.emplace(arg.name, randomDevice(*gpu, arg, tokens, rng));
          continue;
        }
        named.emplace(arg.name, gpu->allocate(arg.dtype, arg.shapeFor(tokens)));
      }
      for (const ArgSpec &arg : fn.args)
        if (arg.kind == ArgKind::Input)
          forwardIn.push_back(&named.at(arg.name));
        else if (arg.kind == ArgKind::Output)
          forwardOut.push_back(&named.at(arg.name));
      std::vector<const cuda::DeviceTensor *> backwardIn;
      std::vector<cuda::DeviceTensor *> backwardOut;
      for (const ArgSpec &arg : backward.args) {
        if (arg.kind == ArgKind::Scalar)
          continue;
        if (!named.count(arg.name)) {
          if (arg.kind == ArgKind::Input) {
            named.emplace(arg.name, randomDevice(*gpu, arg, tokens, rng));
          } else {
            named.emplace(arg.name,
                          gpu->allocate(arg.dtype, arg.shapeFor(tokens)));
          }
        }
        if (arg.kind == ArgKind::Input)
          backwardIn.push_back(&named.at(arg.name));
        else
          backwardOut.push_back(&named.at(arg.name));
      }
      auto time = [&](auto &&call) {
        auto start = std::chrono::steady_clock::now();
        call();
        return std::chrono::duration<double, std::milli>(
                   std::chrono::steady_clock::now() - start)
            .count();
      };
      // Each compiled tile variant (the bundle's default first).
      size_t variants = std::max(fn.variantCount(), backward.variantCount());
      for (size_t v = 0; v < variants; ++v) {
        size_t fv = std::min(v, fn.variantCount() - 1);
        size_t bv = std::min(v, backward.variantCount() - 1);
        auto forward = [&] {
          gpu->call(*bundle, fn.name, forwardIn, scalars, forwardOut, fv);
        };
        auto backwardCall = [&] {
          gpu->call(*bundle, backward.name, backwardIn, {}, backwardOut, bv);
        };
        forward();
        backwardCall();
        std::vector<double> f, b;
        for (int i = 0; i < repetitions; ++i) {
          f.push_back(time(forward));
          b.push_back(time(backwardCall));
        }
        std::string tiles = backward.variants.empty()
                                ? ""
                                : " tiles " + backward.variants[bv].tiles;
        std::printf("%s%s at %lld tokens: forward_train %.3f ms, backward "
                    "%.3f ms, total %.3f ms\n",
                    stem.c_str(), tiles.c_str(), static_cast<long long>(tokens),
                    median(f), median(b), median(f) + median(b));
      }
      if (gpu->runtime().profiling())
        std::printf("kernels (SIEVE_CUDA_PROFILE, all runs):\n%s",
                    gpu->runtime().takeProfile().c_str());
    }
  } catch (const Error &error) {
    std::fprintf(stderr, "sieve-gpu-block-timing: %s\n", error.what());
    return 1;
  }
  return 0;
}
