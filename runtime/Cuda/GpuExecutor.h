//===- GpuExecutor.h - run a GPU bundle's functions -----------------------===//
//
// The GPU counterpart of HostExecutor: device tensors from the caching
// allocator, copies to and from host tensors, and calls of a GPU bundle's
// entry points on the executor's stream, with the same argument checks as
// on the host. Errors raised while the generated code ran (a module that
// did not load, a failed launch, a kernel that faulted) are reported as an
// Error naming the function after the call.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_CUDA_GPUEXECUTOR_H
#define SIEVE_RUNTIME_CUDA_GPUEXECUTOR_H

#include "runtime/Bundle/Bundle.h"
#include "runtime/Bundle/EntryCall.h"
#include "runtime/Core/Tensor.h"
#include "runtime/Cuda/GpuRuntime.h"

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace sieve::runtime::cuda {

/// A dense row-major tensor in device memory, owned (returned to the
/// allocator's cache when destroyed).
class DeviceTensor {
public:
  DeviceTensor() = default;
  DeviceTensor(GpuRuntime &runtime, DType dtype, std::vector<int64_t> shape,
               const void *stream);
  ~DeviceTensor();
  DeviceTensor(DeviceTensor &&other) noexcept;
  DeviceTensor &operator=(DeviceTensor &&other) noexcept;
  DeviceTensor(const DeviceTensor &) = delete;
  DeviceTensor &operator=(const DeviceTensor &) = delete;

  DType dtype() const { return dtype_; }
  const std::vector<int64_t> &shape() const { return shape_; }
  int64_t numel() const;
  size_t bytes() const { return numel() * byteSize(dtype_); }
  CUdeviceptr address() const { return address_; }
  std::string describe() const;

private:
  GpuRuntime *runtime_ = nullptr;
  DType dtype_ = DType::F32;
  std::vector<int64_t> shape_;
  CUdeviceptr address_ = 0;
};

class GpuExecutor {
public:
  /// An executor on GPU 0, or null without a usable GPU (`whyNot` says why
  /// in one line).
  static std::unique_ptr<GpuExecutor> create(std::string *whyNot = nullptr);
  ~GpuExecutor();

  /// "NVIDIA H100 80GB HBM3, sm_90, 132 SMs, 79 GiB, driver 13.0".
  std::string describeDevice() const;
  GpuRuntime &runtime() { return *runtime_; }
  /// The stream every call and launch of this executor goes to.
  CUstream stream() const { return stream_; }

  /// A zero-filled device tensor.
  DeviceTensor allocate(DType dtype, std::vector<int64_t> shape);
  /// Enqueues zero-filling `tensor` on the executor's stream (outputs that
  /// kernels accumulate into start from zero).
  void zero(DeviceTensor &tensor);
  DeviceTensor upload(const Tensor &tensor);
  Tensor download(const DeviceTensor &tensor);
  /// Waits for the executor's stream and reports any pending error.
  void synchronize(const std::string &context = "the GPU");

  /// Calls `function` of a GPU bundle on device tensors (inputs and scalars
  /// in manifest order, caller-provided outputs) and waits for it;
  /// `variant` picks one of the function's compiled tile variants.
  void call(const Bundle &bundle, const std::string &function,
            const std::vector<const DeviceTensor *> &inputs,
            const std::vector<int64_t> &scalars,
            const std::vector<DeviceTensor *> &outputs, size_t variant = 0);

  /// The same on views of device memory the caller owns (addresses in the
  /// views' data).
  void callViews(const Bundle &bundle, const std::string &function,
                 const std::vector<TensorView> &inputs,
                 const std::vector<int64_t> &scalars,
                 const std::vector<TensorView> &outputs, size_t variant = 0);

  /// Launches a kernel of a module the caller loaded (support kernels) on
  /// the executor's stream; `what` names it in errors.
  void launch(CUfunction function, std::array<unsigned, 3> grid,
              std::array<unsigned, 3> block, unsigned sharedBytes,
              void **arguments, const std::string &what);

  /// Uploads host inputs, calls `function`, returns its outputs as host
  /// tensors (shaped as HostExecutor::run shapes them).
  std::vector<Tensor> run(const Bundle &bundle, const std::string &function,
                          const std::vector<const Tensor *> &inputs,
                          const std::vector<int64_t> &scalars = {},
                          size_t variant = 0);

private:
  GpuExecutor() = default;
  GpuRuntime *runtime_ = nullptr;
  CUstream stream_ = nullptr;
};

} // namespace sieve::runtime::cuda

#endif // SIEVE_RUNTIME_CUDA_GPUEXECUTOR_H
