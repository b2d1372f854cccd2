//===- CudaDenseOps.cpp - the device operations on a GPU ------------------===//

#include "models/lm/Cuda/CudaDenseOps.h"

#include "runtime/Core/Error.h"
#include "runtime/Cuda/RoutingSupport.h"
#include "runtime/Tuning/BundleTuner.h"

using namespace sieve;
using namespace sieve::lm::cuda;
namespace device = sieve::lm::device;
using runtime::DType;
using runtime::cuda::DeviceTensor;
using runtime::cuda::GpuExecutor;

namespace {

class CudaBuffer final : public device::Buffer {
public:
  CudaBuffer(GpuExecutor &executor, DType dtype, int64_t count)
      // GpuExecutor::allocate zero-fills.
      : Buffer(dtype, count), tensor(executor.allocate(dtype, {count})) {}
  device::Address address() const override { return tensor.address(); }

private:
  DeviceTensor tensor;
};

} // namespace

CudaDenseOps::CudaDenseOps(GpuExecutor &executor,
                           const std::string &cacheDirectory,
                           VariantPolicy policy)
    : executor_(executor), kernels_(executor, cacheDirectory), policy_(policy),
      identity_(runtime::deviceIdentity(executor.runtime().driver())) {
  std::string why;
  cublas_ = runtime::cuda::Cublas::create(executor, &why);
  if (!cublas_)
    throw runtime::Error("GPU training needs cuBLAS: " + why);
}

std::unique_ptr<device::Buffer> CudaDenseOps::allocate(DType dtype,
                                                       int64_t count) {
  return std::make_unique<CudaBuffer>(executor_, dtype, count);
}

void CudaDenseOps::copyIn(device::Address to, const void *from, size_t bytes) {
  const runtime::cuda::Driver &driver = executor_.runtime().driver();
  driver.check(
      driver.api().cuMemcpyHtoDAsync(to, from, bytes, executor_.stream()),
      "copying to the GPU");
  // The host memory may go away once this returns.
  executor_.synchronize("copying to the GPU");
}

void CudaDenseOps::copyOut(void *to, device::Address from, size_t bytes) {
  const runtime::cuda::Driver &driver = executor_.runtime().driver();
  driver.check(
      driver.api().cuMemcpyDtoHAsync(to, from, bytes, executor_.stream()),
      "copying from the GPU");
  executor_.synchronize("copying from the GPU");
}

void CudaDenseOps::copy(device::Address to, device::Address from,
                        size_t bytes) {
  const runtime::cuda::Driver &driver = executor_.runtime().driver();
  driver.check(
      driver.api().cuMemcpyDtoDAsync(to, from, bytes, executor_.stream()),
      "copying on the GPU");
}

void CudaDenseOps::zero(device::Address to, size_t bytes) {
  const runtime::cuda::Driver &driver = executor_.runtime().driver();
  driver.check(driver.api().cuMemsetD8Async(to, 0, bytes, executor_.stream()),
               "zero-filling on the GPU");
}

void CudaDenseOps::gemm(const device::RowMajorGemm &gemm, DType input,
                        DType output, device::Address a, device::Address b,
                        device::Address c, float beta) {
  cublas_->gemm(gemm, input, runtime::cuda::GemmMath::Exact, a, b, c, beta,
                "a training GEMM", output);
}

void CudaDenseOps::callBundle(const runtime::Bundle &bundle,
                              const std::string &function,
                              const std::vector<runtime::TensorView> &inputs,
                              const std::vector<int64_t> &scalars,
                              const std::vector<runtime::TensorView> &outputs) {
  const runtime::FunctionSpec &fn = bundle.function(function);
  // The feed-forward kernels' first input is x, tokens x d_model.
  const int64_t tokens =
      inputs.empty() || inputs[0].shape.empty() ? 1 : inputs[0].shape[0];
  const int64_t bucket = runtime::tokenBucket(tokens);
  const std::string key =
      bundle.directory() + "/" + function + "@" + std::to_string(bucket);
  auto choice = choices_.find(key);
  if (choice == choices_.end())
    choice =
        choices_
            .emplace(key, runtime::chooseVariant(
                              fn, policy_.database,
                              {identity_,
                               runtime::kernelSignature(bundle.manifest(), fn),
                               bucket},
                              policy_.deterministic))
            .first;
  executor_.callViews(bundle, function, inputs, scalars, outputs,
                      choice->second.variant);
}

std::vector<std::string> CudaDenseOps::variantChoices() const {
  std::vector<std::string> lines;
  for (const auto &[key, choice] : choices_)
    lines.push_back(key.substr(key.rfind('/') + 1) + ": " + choice.why);
  return lines;
}

TrainingOps
sieve::lm::cuda::createTrainingOps(GpuExecutor &executor,
                                   const std::string &tuningDatabase,
                                   bool deterministic) {
  TrainingOps training;
  std::string nvrtc = runtime::cuda::RoutingSupport::defaultCacheDirectory();
  training.databasePath =
      tuningDatabase.empty() ? nvrtc + "/tuning.json" : tuningDatabase;
  training.database = std::make_unique<runtime::TuningDatabase>(
      runtime::TuningDatabase::load(training.databasePath));
  training.ops = std::make_unique<CudaDenseOps>(
      executor, nvrtc, VariantPolicy{training.database.get(), deterministic});
  return training;
}
