//===- Cublas.h - cuBLAS GEMMs on row-major tensors, loaded at run time ---===//
//
// The vendor GEMM the benchmarks compare Sieve's kernels against (and what
// attention and projections run on in GPU training). Like the driver,
// libcublas is dlopen'd on first use, so the runtime builds and starts on
// machines without it; the few types and constants used are declared here
// from cuBLAS's documented ABI (NoGpuTest checks them against the
// toolkit's headers).
//
// Sieve's tensors are row-major and cuBLAS is column-major: a row-major
// C = op(A) op(B) is the column-major Cᵀ = op(B)ᵀ op(A)ᵀ, so the operands
// swap and each row-major matrix is read as its transpose.
// columnMajorCall() does that arithmetic; it is a pure function, tested
// against a reference column-major GEMM without a GPU.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_CUDA_CUBLAS_H
#define SIEVE_RUNTIME_CUDA_CUBLAS_H

#include "runtime/Core/DType.h"
#include "runtime/Cuda/GpuExecutor.h"

#include <memory>
#include <optional>
#include <string>

namespace sieve::runtime::cuda {

// cuBLAS ABI values (cublas_api.h, library_types.h).
constexpr int kCublasStatusSuccess = 0;
constexpr int kCublasOpN = 0, kCublasOpT = 1;
constexpr int kCudaR32F = 0, kCudaR16F = 2, kCudaR16BF = 14;
constexpr int kCublasCompute32F = 68, kCublasCompute32FPedantic = 69,
              kCublasCompute32FFastTf32 = 77;
constexpr int kCublasGemmDefault = -1;

/// C[m x n] = alpha op(A)[m x k] op(B)[k x n] + beta C, all row-major; op
/// transposes when asked (A is then stored k x m, B n x k). Rows of a
/// stored matrix are `ld` elements apart (0: its width, dense). With
/// `batch` > 1, product i reads and writes at base + i * stride elements
/// (attention's per-head products).
struct RowMajorGemm {
  int64_t m = 0, n = 0, k = 0;
  bool transposeA = false, transposeB = false;
  int64_t lda = 0, ldb = 0, ldc = 0;
  int64_t batch = 1, strideA = 0, strideB = 0, strideC = 0;
};

/// The column-major cublasGemmEx arguments computing a RowMajorGemm: the
/// first operand is B, the second A.
struct ColumnMajorCall {
  int opFirst = kCublasOpN, opSecond = kCublasOpN;
  int64_t m = 0, n = 0, k = 0;
  int64_t ldFirst = 0, ldSecond = 0, ldOutput = 0;
  int64_t batch = 1, strideFirst = 0, strideSecond = 0, strideOutput = 0;
};
ColumnMajorCall columnMajorCall(const RowMajorGemm &gemm);

/// How a GEMM computes: f32 tensors exactly (FMAs) or on the tensor cores
/// in tf32; 16-bit tensors on the tensor cores with f32 sums.
enum class GemmMath { Exact, Tf32 };

class Cublas {
public:
  /// A cuBLAS handle on `executor`'s stream, its workspace from the
  /// executor's allocator (so it counts in the allocator's peak); null
  /// with `whyNot` saying why where libcublas cannot be loaded or
  /// initialised.
  static std::unique_ptr<Cublas> create(GpuExecutor &executor,
                                        std::string *whyNot = nullptr);
  ~Cublas();
  Cublas(const Cublas &) = delete;
  Cublas &operator=(const Cublas &) = delete;

  /// "cuBLAS 13.0.2".
  std::string version() const;

  /// Enqueues `gemm` on the executor's stream (alpha 1, beta 0 or 1 to
  /// accumulate). A and B have `dtype` (f32, bf16 or f16), C `outputDtype`
  /// (the same when not given; f32 for 16-bit operands with f32 results);
  /// sums are f32 and `math` matters for f32 operands only. Throws Error
  /// naming `what` and cuBLAS's status, or bad sizes.
  void gemm(const RowMajorGemm &gemm, DType dtype, GemmMath math, CUdeviceptr a,
            CUdeviceptr b, CUdeviceptr c, float beta, const std::string &what,
            std::optional<DType> outputDtype = std::nullopt);

private:
  Cublas();
  bool load(std::string &whyNot);
  void check(int status, const std::string &what) const;

  void *library_ = nullptr;
  void *handle_ = nullptr;
  DeviceTensor workspace_;
  int version_ = 0;
  struct Api;
  std::unique_ptr<Api> api_;
};

} // namespace sieve::runtime::cuda

#endif // SIEVE_RUNTIME_CUDA_CUBLAS_H
