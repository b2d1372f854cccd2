//===- CublasMlp.cpp - the dense two-layer MLP on cuBLAS ------------------===//

#include "benchmarks/gpu/CublasMlp.h"

#include "runtime/Core/Error.h"

#include <random>

using namespace sieve::bench;
using namespace sieve::runtime;
using namespace sieve::runtime::cuda;

const std::string &sieve::bench::reluKernelSource() {
  static const std::string source = R"(
#include <cuda_bf16.h>

// In place: h = max(h, 0).
template <typename T> __device__ void reluForward(T *h, long long n) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;
       i += (long long)gridDim.x * blockDim.x)
    if (!(h[i] > T(0.0f)))
      h[i] = T(0.0f);
}

// In place: dh = dh where h > 0, else 0 (h is ReLU's output).
template <typename T>
__device__ void reluBackward(T *dh, const T *h, long long n) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n;
       i += (long long)gridDim.x * blockDim.x)
    if (!(h[i] > T(0.0f)))
      dh[i] = T(0.0f);
}

extern "C" __global__ void sieve_relu_forward_f32(float *h, long long n) {
  reluForward(h, n);
}
extern "C" __global__ void sieve_relu_backward_f32(float *dh, const float *h,
                                                   long long n) {
  reluBackward(dh, h, n);
}
extern "C" __global__ void sieve_relu_forward_bf16(__nv_bfloat16 *h,
                                                   long long n) {
  reluForward(h, n);
}
extern "C" __global__ void sieve_relu_backward_bf16(__nv_bfloat16 *dh,
                                                    const __nv_bfloat16 *h,
                                                    long long n) {
  reluBackward(dh, h, n);
}
)";
  return source;
}

namespace {

DeviceTensor randomTensor(GpuExecutor &executor, DType dtype,
                          std::vector<int64_t> shape, float scale,
                          std::mt19937 &rng) {
  Tensor host(DType::F32, shape);
  std::normal_distribution<float> normal(0.0f, scale);
  for (int64_t i = 0; i < host.numel(); ++i)
    host.data<float>()[i] = normal(rng);
  if (dtype == DType::F32)
    return executor.upload(host);
  Tensor half(dtype, shape);
  for (int64_t i = 0; i < host.numel(); ++i)
    static_cast<uint16_t *>(half.raw())[i] =
        toHalfBits(host.data<float>()[i], dtype);
  return executor.upload(half);
}

} // namespace

CublasMlp::CublasMlp(GpuExecutor &executor, Cublas &cublas, DType dtype,
                     GemmMath math, int64_t tokens, int64_t dModel, int64_t dff,
                     const std::string &nvrtcCacheDirectory)
    : executor_(executor), cublas_(cublas), dtype_(dtype), math_(math),
      tokens_(tokens), dModel_(dModel), dff_(dff) {
  if (dtype != DType::F32 && dtype != DType::BF16)
    throw Error("the cuBLAS MLP takes f32 or bf16 tensors, not " +
                std::string(name(dtype)));
  module_ = std::make_unique<NvrtcModule>(
      executor, reluKernelSource(), "sieve-bench-relu.cu", nvrtcCacheDirectory);
  std::string suffix = dtype == DType::F32 ? "_f32" : "_bf16";
  reluForward_ = module_->function("sieve_relu_forward" + suffix);
  reluBackward_ = module_->function("sieve_relu_backward" + suffix);

  std::mt19937 rng(11);
  x_ = randomTensor(executor, dtype, {tokens, dModel}, 0.5f, rng);
  dy_ = randomTensor(executor, dtype, {tokens, dModel}, 0.5f, rng);
  w1_ = randomTensor(executor, dtype, {dModel, dff}, 0.05f, rng);
  w2_ = randomTensor(executor, dtype, {dff, dModel}, 0.05f, rng);
  h_ = executor.allocate(dtype, {tokens, dff});
  y_ = executor.allocate(dtype, {tokens, dModel});
  dh_ = executor.allocate(dtype, {tokens, dff});
  dx_ = executor.allocate(dtype, {tokens, dModel});
  dw1_ = executor.allocate(dtype, {dModel, dff});
  dw2_ = executor.allocate(dtype, {dff, dModel});
}

CublasMlp::~CublasMlp() = default;

void CublasMlp::relu(CUfunction kernel, DeviceTensor &target,
                     const DeviceTensor *mask, const std::string &what) {
  CUdeviceptr data = target.address();
  CUdeviceptr maskData = mask ? mask->address() : 0;
  long long n = target.numel();
  std::vector<void *> arguments = {&data};
  if (mask)
    arguments.push_back(&maskData);
  arguments.push_back(&n);
  unsigned blocks =
      static_cast<unsigned>(std::min<long long>((n + 255) / 256, 132 * 16));
  executor_.launch(kernel, {blocks, 1, 1}, {256, 1, 1}, 0, arguments.data(),
                   what);
}

void CublasMlp::forward() {
  cublas_.gemm({tokens_, dff_, dModel_}, dtype_, math_, x_.address(),
               w1_.address(), h_.address(), 0.0f, "h = x W1");
  relu(reluForward_, h_, nullptr, "ReLU");
  cublas_.gemm({tokens_, dModel_, dff_}, dtype_, math_, h_.address(),
               w2_.address(), y_.address(), 0.0f, "y = h W2");
}

void CublasMlp::backward() {
  cublas_.gemm({tokens_, dff_, dModel_, false, true}, dtype_, math_,
               dy_.address(), w2_.address(), dh_.address(), 0.0f,
               "dh = dy W2^T");
  relu(reluBackward_, dh_, &h_, "ReLU backward");
  cublas_.gemm({dff_, dModel_, tokens_, true, false}, dtype_, math_,
               h_.address(), dy_.address(), dw2_.address(), 0.0f,
               "dW2 = h^T dy");
  cublas_.gemm({tokens_, dModel_, dff_, false, true}, dtype_, math_,
               dh_.address(), w1_.address(), dx_.address(), 0.0f,
               "dx = dh W1^T");
  cublas_.gemm({dModel_, dff_, tokens_, true, false}, dtype_, math_,
               x_.address(), dh_.address(), dw1_.address(), 0.0f,
               "dW1 = x^T dh");
}
