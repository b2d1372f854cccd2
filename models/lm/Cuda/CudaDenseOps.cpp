//===- CudaDenseOps.cpp - the device operations on a GPU ------------------===//

#include "models/lm/Cuda/CudaDenseOps.h"

#include "runtime/Core/Error.h"

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
      : Buffer(dtype, count), tensor(executor.allocate(dtype, {count})) {
    executor.zero(tensor);
  }
  device::Address address() const override { return tensor.address(); }

private:
  DeviceTensor tensor;
};

} // namespace

CudaDenseOps::CudaDenseOps(GpuExecutor &executor,
                           const std::string &cacheDirectory,
                           runtime::cuda::GemmMath f32Math)
    : executor_(executor), kernels_(executor, cacheDirectory),
      f32Math_(f32Math) {
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

void CudaDenseOps::gemm(const device::RowMajorGemm &gemm, DType input,
                        DType output, device::Address a, device::Address b,
                        device::Address c, float beta) {
  cublas_->gemm(gemm, input, f32Math_, a, b, c, beta, "a training GEMM",
                output);
}
