//===- CublasMlp.h - the dense two-layer MLP on cuBLAS --------------------===//
//
// The baseline the σ-MoE kernels are measured against: y = ReLU(x W1) W2
// forward and its backward, six cuBLAS GEMMs (12·|B|·d·d_ff FLOPs) and two
// elementwise ReLU kernels compiled by NVRTC, on the executor's stream.
// Every tensor comes from the executor's caching allocator, so its peak
// counts them as it counts the generated kernels' buffers.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_BENCHMARKS_GPU_CUBLASMLP_H
#define SIEVE_BENCHMARKS_GPU_CUBLASMLP_H

#include "runtime/Cuda/Cublas.h"
#include "runtime/Cuda/GpuExecutor.h"
#include "runtime/Cuda/NvrtcModule.h"

#include <memory>

#include <string>

namespace sieve::bench {

/// The ReLU kernels' CUDA C++ source (f32 and bf16 entry points).
const std::string &reluKernelSource();

class CublasMlp {
public:
  /// Allocates x, W1, W2 (filled with small values) and every activation
  /// and gradient for `tokens` tokens; compiles (or finds in
  /// `nvrtcCacheDirectory`) the ReLU kernels. dtype is f32 or bf16.
  /// Throws Error.
  CublasMlp(runtime::cuda::GpuExecutor &executor, runtime::cuda::Cublas &cublas,
            runtime::DType dtype, runtime::cuda::GemmMath math, int64_t tokens,
            int64_t dModel, int64_t dff,
            const std::string &nvrtcCacheDirectory);
  ~CublasMlp();
  CublasMlp(const CublasMlp &) = delete;
  CublasMlp &operator=(const CublasMlp &) = delete;

  /// Enqueues h = ReLU(x W1), y = h W2.
  void forward();
  /// Enqueues dh = (dy W2ᵀ) ⊙ [h > 0], dW2 = hᵀ dy, dx = dh W1ᵀ,
  /// dW1 = xᵀ dh.
  void backward();

private:
  void relu(runtime::cuda::CUfunction kernel,
            runtime::cuda::DeviceTensor &target,
            const runtime::cuda::DeviceTensor *mask, const std::string &what);

  runtime::cuda::GpuExecutor &executor_;
  runtime::cuda::Cublas &cublas_;
  runtime::DType dtype_;
  runtime::cuda::GemmMath math_;
  int64_t tokens_, dModel_, dff_;
  runtime::cuda::DeviceTensor x_, w1_, w2_, h_, y_, dy_, dh_, dx_, dw1_, dw2_;
  std::unique_ptr<runtime::cuda::NvrtcModule> module_;
  runtime::cuda::CUfunction reluForward_ = nullptr, reluBackward_ = nullptr;
};

} // namespace sieve::bench

#endif // SIEVE_BENCHMARKS_GPU_CUBLASMLP_H
