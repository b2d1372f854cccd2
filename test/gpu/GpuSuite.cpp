//===- GpuSuite.cpp - every kernel on the GPU against the host backend ----===//
//
// For every model bundle under BUNDLES (BUNDLES/<model>/host and
// BUNDLES/<model>/sm_80, sm_90a, the tensor-core variants -tf32, -bf16,
// -f16 and sm_90a-cub (dispatch by the runtime's CUB sort), compiled ahead
// of time by tools/scripts/gpu-bundles.sh), runs each
// forward, training forward and backward function on the GPU and on the host
// (every compiled tile variant of it) with the same inputs and compares
// every output:
//   f32, CVMM in f32: max |gpu - host| <= 1e-4 * max |host| (the orders of
//        the sums differ between the host's and the GPU's tiles);
//   f32, CVMM on the tensor cores in tf32 or f16 (10-bit mantissas in the
//        products): max |gpu - host| <= 1e-2 * max |host|;
//   f32, CVMM on the tensor cores in bf16 (7-bit mantissas):
//        max |gpu - host| <= 4e-2 * max |host|;
//   bf16 / f16 tensors (models/examples/sigma-moe-bf16.mlir: on sm_90a the
//        warpgroup MMA with TMA): at least 4e-2 / 1e-2;
//   i32, i64, i1 (routing, sorted pairs, offsets, masks): exactly equal.
// The backward runs on the host's saved tensors, so that both sides
// differentiate the same routing. Then the support kernel NVRTC compiles
// (the CUB sort of the routed pairs) is compared with a plain stable
// counting sort, exactly.
//
// Plain C++ (no GoogleTest), so that it builds on a GPU node with only the
// CUDA toolkit and CMake. Exit codes: 0 all passed, 1 a failure, 77 no GPU
// (ctest reports the suite skipped, with the reason on the first line).
//
//===----------------------------------------------------------------------===//

#include "runtime/Bundle/Bundle.h"
#include "runtime/Bundle/RandomInputs.h"
#include "runtime/Core/Error.h"
#include "runtime/Cuda/GpuExecutor.h"
#include "runtime/Cuda/RoutingSupport.h"
#include "runtime/Host/Executor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace sieve::runtime;
namespace fs = std::filesystem;

namespace {

constexpr double kF32Tolerance = 1e-4;
constexpr double kTf32Tolerance = 1e-2; // and f16
constexpr double kBf16Tolerance = 4e-2;
constexpr int64_t kTokens = 96;
constexpr int64_t kSeed = 20261123;

struct Counts {
  int passed = 0, failed = 0;
};

/// Compares one output; prints a line and returns whether it passed.
bool compare(const std::string &where, const Tensor &host, const Tensor &gpu,
             double tolerance) {
  if (host.shape() != gpu.shape() || host.dtype() != gpu.dtype()) {
    std::printf("FAIL %s: GPU gave %s, host %s\n", where.c_str(),
                gpu.describe().c_str(), host.describe().c_str());
    return false;
  }
  DType dtype = host.dtype();
  if (dtype == DType::F32 || dtype == DType::BF16 || dtype == DType::F16) {
    auto at = [&](const Tensor &t, int64_t i) -> double {
      if (dtype == DType::F32)
        return t.data<float>()[i];
      return fromHalfBits(static_cast<const uint16_t *>(t.raw())[i], dtype);
    };
    // Outputs stored in 16 bits carry their own rounding.
    if (dtype == DType::BF16)
      tolerance = std::max(tolerance, kBf16Tolerance);
    else if (dtype == DType::F16)
      tolerance = std::max(tolerance, kTf32Tolerance);
    double worst = 0, scale = 0;
    int64_t worstAt = 0;
    for (int64_t i = 0; i < host.numel(); ++i) {
      scale = std::max(scale, std::fabs(at(host, i)));
      double diff = std::fabs(at(gpu, i) - at(host, i));
      if (!(diff <= worst)) { // NaN counts as worst
        worst = std::isnan(diff) ? INFINITY : diff;
        worstAt = i;
      }
    }
    double relative = worst / std::max(scale, 1e-6);
    bool ok = relative <= tolerance;
    std::printf("%s %s: %s max|diff|/max|host| = %.2e (tolerance %.0e)%s\n",
                ok ? "ok  " : "FAIL", where.c_str(), name(dtype), relative,
                tolerance,
                ok ? ""
                   : (" at element " + std::to_string(worstAt) + ": gpu " +
                      std::to_string(at(gpu, worstAt)) + " host " +
                      std::to_string(at(host, worstAt)))
                         .c_str());
    return ok;
  }
  size_t bytes = host.bytes();
  const auto *h = static_cast<const unsigned char *>(host.raw());
  const auto *g = static_cast<const unsigned char *>(gpu.raw());
  size_t element = byteSize(host.dtype()), mismatches = 0;
  for (size_t i = 0; i < bytes; i += element)
    mismatches += std::memcmp(h + i, g + i, element) != 0;
  bool ok = mismatches == 0;
  std::printf("%s %s: %s, %zu of %lld elements differ (must be equal)\n",
              ok ? "ok  " : "FAIL", where.c_str(), name(host.dtype()),
              mismatches, static_cast<long long>(host.numel()));
  return ok;
}

/// Runs `function` on both backends and compares its outputs by name.
std::map<std::string, Tensor>
check(const std::string &label, const Bundle &host, const Bundle &gpu,
      const std::string &function,
      const std::map<std::string, const Tensor *> &named, HostExecutor &cpu,
      cuda::GpuExecutor &device, double tolerance, Counts &counts) {
  const FunctionSpec &fn = host.function(function);
  std::vector<const Tensor *> inputs;
  std::vector<int64_t> scalars;
  for (const ArgSpec &arg : fn.args) {
    if (arg.kind == ArgKind::Input)
      inputs.push_back(named.at(arg.name));
    else if (arg.kind == ArgKind::Scalar)
      scalars.push_back(kSeed);
  }
  std::vector<Tensor> hostOut = cpu.run(host, function, inputs, scalars);
  // Every compiled tile variant of the function, each against the host.
  const FunctionSpec &gpuFn = gpu.function(function);
  for (size_t variant = 0; variant < gpuFn.variantCount(); ++variant) {
    std::vector<Tensor> gpuOut =
        device.run(gpu, function, inputs, scalars, variant);
    std::string tiles = gpuFn.variants.empty()
                            ? ""
                            : " [tiles " + gpuFn.variants[variant].tiles + "]";
    size_t next = 0;
    for (const ArgSpec &arg : fn.args) {
      if (arg.kind != ArgKind::Output)
        continue;
      bool ok = compare(label + " " + function + tiles + " " + arg.name,
                        hostOut[next], gpuOut[next], tolerance);
      (ok ? counts.passed : counts.failed)++;
      ++next;
    }
  }
  std::map<std::string, Tensor> results;
  size_t next = 0;
  for (const ArgSpec &arg : fn.args)
    if (arg.kind == ArgKind::Output)
      results.emplace(arg.name, std::move(hostOut[next++]));
  return results;
}

/// Forward, training forward and backward of each block of one model.
void checkModel(const fs::path &dir, const std::string &target,
                HostExecutor &cpu, cuda::GpuExecutor &device, Counts &counts) {
  std::string label = dir.filename().string() + "/" + target;
  std::shared_ptr<Bundle> host = Bundle::load((dir / "host").string());
  std::shared_ptr<Bundle> gpu;
  try {
    gpu = Bundle::load((dir / target).string());
  } catch (const Error &error) {
    // An sm_90a bundle on an sm_80 GPU, say: say so, do not fail.
    std::printf("skip %s: %s\n", label.c_str(), error.what());
    return;
  }
  auto has = [&](const char *suffix) {
    return target.find(suffix) != std::string::npos;
  };
  double tolerance = has("bf16")                 ? kBf16Tolerance
                     : has("tf32") || has("f16") ? kTf32Tolerance
                                                 : kF32Tolerance;
  std::mt19937 rng(42);
  for (const FunctionSpec &fn : host->manifest().functions) {
    const std::string suffix = "_forward_train";
    if (fn.name.size() < suffix.size() ||
        fn.name.compare(fn.name.size() - suffix.size(), suffix.size(),
                        suffix) != 0)
      continue;
    std::string stem = fn.name.substr(0, fn.name.size() - suffix.size());
    std::map<std::string, Tensor> owned;
    std::map<std::string, const Tensor *> named;
    for (const ArgSpec &arg : fn.args)
      if (arg.kind == ArgKind::Input) {
        owned.emplace(arg.name, randomInput(arg, kTokens, rng));
        named[arg.name] = &owned.at(arg.name);
      }
    check(label, *host, *gpu, stem + "_forward", named, cpu, device, tolerance,
          counts);
    std::map<std::string, Tensor> saved = check(
        label, *host, *gpu, fn.name, named, cpu, device, tolerance, counts);
    for (auto &[name, tensor] : saved)
      named[name] = &tensor;
    for (const ArgSpec &arg : host->function(stem + "_backward").args)
      if (arg.kind == ArgKind::Input && !named.count(arg.name)) {
        owned.emplace(arg.name, randomInput(arg, kTokens, rng));
        named[arg.name] = &owned.at(arg.name);
      }
    check(label, *host, *gpu, stem + "_backward", named, cpu, device, tolerance,
          counts);
  }
}

/// The NVRTC-compiled CUB sort of the routed pairs against a plain stable
/// counting sort, for several sizes (unrouted ids included): equal.
void checkRoutingSupport(cuda::GpuExecutor &device, const fs::path &cache,
                         Counts &counts) {
  std::vector<std::string> notes;
  std::unique_ptr<cuda::RoutingSupport> support =
      cuda::RoutingSupport::create(device, cache.string(), &notes);
  struct Case {
    int64_t experts, tokens, k;
  } cases[] = {
      {8, 5000, 2}, {32, 32768, 4}, {300, 777, 3}, {1, 1, 1}, {1023, 4096, 4}};
  std::mt19937 rng(5);
  for (const Case &c : cases) {
    std::uniform_int_distribution<int32_t> ids(-1, int32_t(c.experts));
    std::vector<int32_t> experts(c.tokens * c.k);
    for (int32_t &e : experts)
      e = ids(rng);
    // Reference: counting sort, pairs in order within an expert.
    std::vector<int32_t> offsets(c.experts + 1, 0), pairs;
    for (int32_t e : experts)
      if (e >= 0 && e < c.experts)
        ++offsets[e + 1];
    for (int64_t e = 0; e < c.experts; ++e)
      offsets[e + 1] += offsets[e];
    for (int64_t e = 0; e <= c.experts; ++e)
      for (size_t p = 0; p < experts.size(); ++p) {
        bool routed = experts[p] >= 0 && experts[p] < c.experts;
        if ((e < c.experts && experts[p] == e) || (e == c.experts && !routed))
          pairs.push_back(static_cast<int32_t>(p));
      }
    cuda::DeviceTensor deviceExperts =
        device.upload(Tensor::fromI32({c.tokens, c.k}, experts));
    cuda::DeviceTensor devicePairs =
        device.allocate(DType::I32, {c.tokens * c.k});
    cuda::DeviceTensor deviceOffsets =
        device.allocate(DType::I32, {c.experts + 1});
    support->sortPairsByExpert(deviceExperts, c.experts, devicePairs,
                               deviceOffsets);
    std::string label =
        "routing support (CUB via NVRTC), N_E " + std::to_string(c.experts) +
        ", " + std::to_string(c.tokens) + " tokens x K " + std::to_string(c.k);
    bool ok =
        compare(label + " pairs", Tensor::fromI32({c.tokens * c.k}, pairs),
                device.download(devicePairs), 0.0);
    (ok ? counts.passed : counts.failed)++;
    ok = compare(label + " offsets", Tensor::fromI32({c.experts + 1}, offsets),
                 device.download(deviceOffsets), 0.0);
    (ok ? counts.passed : counts.failed)++;
  }
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: sieve-gpu-tests BUNDLES\n");
    return 2;
  }
  std::string why;
  std::unique_ptr<cuda::GpuExecutor> device = cuda::GpuExecutor::create(&why);
  if (!device) {
    std::printf("GPU suite skipped: %s\n", why.c_str());
    return 77;
  }
  std::printf("GPU: %s\n", device->describeDevice().c_str());
  fs::path root = argv[1];
  if (!fs::is_directory(root)) {
    std::fprintf(stderr,
                 "sieve-gpu-tests: %s is not a directory of bundles; make it "
                 "with tools/scripts/gpu-bundles.sh %s\n",
                 argv[1], argv[1]);
    return 1;
  }
  std::vector<fs::path> models;
  for (const fs::directory_entry &entry : fs::directory_iterator(root))
    if (fs::exists(entry.path() / "host" / "manifest.json"))
      models.push_back(entry.path());
  std::sort(models.begin(), models.end());
  if (models.empty()) {
    std::fprintf(stderr, "sieve-gpu-tests: no <model>/host bundles in %s\n",
                 argv[1]);
    return 1;
  }

  HostExecutor cpu;
  Counts counts;
  try {
    for (const fs::path &model : models)
      for (const char *target :
           {"sm_80", "sm_90a", "sm_80-tf32", "sm_90a-tf32", "sm_80-bf16",
            "sm_90a-bf16", "sm_90a-f16", "sm_90a-cub"})
        if (fs::exists(model / target / "manifest.json"))
          checkModel(model, target, cpu, *device, counts);
    checkRoutingSupport(*device, root / ".nvrtc-cache", counts);
  } catch (const Error &error) {
    std::printf("FAIL: %s\n", error.what());
    ++counts.failed;
  }
  cuda::CachingAllocator::Stats stats = device->runtime().allocator().stats();
  std::printf("allocator: peak %zu bytes in use, %zu driver allocations, %zu "
              "reuses\n",
              stats.peakBytesInUse, stats.driverAllocations, stats.reuses);
  std::printf("GPU suite: %d passed, %d failed\n", counts.passed,
              counts.failed);
  return counts.failed == 0 && counts.passed > 0 ? 0 : 1;
}
