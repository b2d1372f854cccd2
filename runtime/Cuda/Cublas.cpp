//===- Cublas.cpp - cuBLAS GEMMs on row-major tensors, loaded at run time -===//

#include "runtime/Cuda/Cublas.h"

#include "runtime/Core/Error.h"
#include "runtime/Cuda/Nvrtc.h"

#include <dlfcn.h>

#include <limits>

using namespace sieve::runtime;
using namespace sieve::runtime::cuda;

ColumnMajorCall sieve::runtime::cuda::columnMajorCall(const RowMajorGemm &g) {
  // Row-major X (r x c) is the column-major Xᵀ with leading dimension c.
  // Cᵀ (n x m) = op(B)ᵀ op(A)ᵀ: B untransposed is stored k x n, read as
  // the n x k op(B)ᵀ itself; transposed it is stored n x k, read as k x n,
  // which must be transposed again. Likewise A.
  // A given leading dimension is the stored row length, which is what
  // cuBLAS calls the leading dimension of the transposed view.
  ColumnMajorCall call;
  call.m = g.n;
  call.n = g.m;
  call.k = g.k;
  call.opFirst = g.transposeB ? kCublasOpT : kCublasOpN;
  call.ldFirst = g.ldb ? g.ldb : g.transposeB ? g.k : g.n;
  call.opSecond = g.transposeA ? kCublasOpT : kCublasOpN;
  call.ldSecond = g.lda ? g.lda : g.transposeA ? g.m : g.k;
  call.ldOutput = g.ldc ? g.ldc : g.n;
  call.batch = g.batch;
  call.strideFirst = g.strideB;
  call.strideSecond = g.strideA;
  call.strideOutput = g.strideC;
  return call;
}

struct Cublas::Api {
  int (*create)(void **);
  int (*destroy)(void *);
  int (*setStream)(void *, CUstream);
  int (*setWorkspace)(void *, void *, size_t);
  int (*getVersion)(void *, int *);
  const char *(*statusString)(int);
  int (*gemmEx)(void *, int, int, int, int, int, const void *, const void *,
                int, int, const void *, int, int, const void *, void *, int,
                int, int, int);
  int (*gemmStridedBatchedEx)(void *, int, int, int, int, int, const void *,
                              const void *, int, int, long long, const void *,
                              int, int, long long, const void *, void *, int,
                              int, long long, int, int, int);
};

namespace {

template <typename Fn>
bool resolve(void *library, const char *symbol, Fn &slot, std::string &why) {
  slot = reinterpret_cast<Fn>(dlsym(library, symbol));
  if (!slot)
    why = std::string("libcublas has no ") + symbol;
  return slot != nullptr;
}

/// cuBLAS's recommended workspace on Hopper.
constexpr size_t kWorkspaceBytes = size_t(32) << 20;

int dataTypeOf(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return kCudaR32F;
  case DType::BF16:
    return kCudaR16BF;
  case DType::F16:
    return kCudaR16F;
  default:
    throw Error("cuBLAS GEMMs take f32, bf16 or f16 tensors, not " +
                std::string(name(dtype)));
  }
}

} // namespace

// Out of line: Api is complete only here.
Cublas::Cublas() = default;

bool Cublas::load(std::string &whyNot) {
  std::string errors;
  library_ = openToolkitLibrary("libcublas.so", "SIEVE_CUBLAS", errors);
  if (!library_) {
    whyNot = "cuBLAS (libcublas.so from the CUDA toolkit) cannot be loaded: " +
             errors;
    return false;
  }
  api_ = std::make_unique<Api>();
  Api &a = *api_;
  return resolve(library_, "cublasCreate_v2", a.create, whyNot) &&
         resolve(library_, "cublasDestroy_v2", a.destroy, whyNot) &&
         resolve(library_, "cublasSetStream_v2", a.setStream, whyNot) &&
         resolve(library_, "cublasSetWorkspace_v2", a.setWorkspace, whyNot) &&
         resolve(library_, "cublasGetVersion_v2", a.getVersion, whyNot) &&
         resolve(library_, "cublasGetStatusString", a.statusString, whyNot) &&
         resolve(library_, "cublasGemmEx", a.gemmEx, whyNot) &&
         resolve(library_, "cublasGemmStridedBatchedEx", a.gemmStridedBatchedEx,
                 whyNot);
}

std::unique_ptr<Cublas> Cublas::create(GpuExecutor &executor,
                                       std::string *whyNot) {
  std::unique_ptr<Cublas> cublas(new Cublas());
  std::string why;
  if (!cublas->load(why)) {
    if (whyNot)
      *whyNot = why;
    return nullptr;
  }
  int status = cublas->api_->create(&cublas->handle_);
  if (status != kCublasStatusSuccess) {
    if (whyNot)
      *whyNot = std::string("cublasCreate failed: ") +
                cublas->api_->statusString(status);
    cublas->handle_ = nullptr;
    return nullptr;
  }
  cublas->check(cublas->api_->setStream(cublas->handle_, executor.stream()),
                "cublasSetStream");
  cublas->workspace_ = executor.allocate(
      DType::F32, {static_cast<int64_t>(kWorkspaceBytes / sizeof(float))});
  cublas->check(cublas->api_->setWorkspace(
                    cublas->handle_,
                    reinterpret_cast<void *>(cublas->workspace_.address()),
                    kWorkspaceBytes),
                "cublasSetWorkspace");
  cublas->check(cublas->api_->getVersion(cublas->handle_, &cublas->version_),
                "cublasGetVersion");
  return cublas;
}

Cublas::~Cublas() {
  if (handle_)
    api_->destroy(handle_);
  // The library stays loaded: cuBLAS registers process-exit handlers.
}

std::string Cublas::version() const {
  // 130002 is 13.0.2 (major * 10000 + minor * 100 + patch).
  return "cuBLAS " + std::to_string(version_ / 10000) + "." +
         std::to_string(version_ / 100 % 100) + "." +
         std::to_string(version_ % 100);
}

void Cublas::check(int status, const std::string &what) const {
  if (status != kCublasStatusSuccess)
    throw Error(what + ": cuBLAS status " + std::to_string(status) + " (" +
                api_->statusString(status) + ")");
}

void Cublas::gemm(const RowMajorGemm &g, DType dtype, GemmMath math,
                  CUdeviceptr a, CUdeviceptr b, CUdeviceptr c, float beta,
                  const std::string &what, std::optional<DType> outputDtype) {
  constexpr int64_t kMax = std::numeric_limits<int>::max();
  ColumnMajorCall call = columnMajorCall(g);
  auto inRange = [&](int64_t value) { return value >= 1 && value <= kMax; };
  if (!inRange(g.m) || !inRange(g.n) || !inRange(g.k) || !inRange(g.batch))
    throw Error(what + ": GEMM sizes " + std::to_string(g.m) + " x " +
                std::to_string(g.n) + " x " + std::to_string(g.k) + " (" +
                std::to_string(g.batch) +
                " products) are outside cuBLAS's 32-bit range");
  if (call.ldFirst < (call.opFirst == kCublasOpN ? call.m : call.k) ||
      call.ldSecond < (call.opSecond == kCublasOpN ? call.k : call.n) ||
      call.ldOutput < call.m || !inRange(call.ldFirst) ||
      !inRange(call.ldSecond) || !inRange(call.ldOutput))
    throw Error(what + ": a leading dimension is shorter than its rows");
  int type = dataTypeOf(dtype);
  int outputType = dataTypeOf(outputDtype.value_or(dtype));
  int compute = dtype == DType::F32 && math == GemmMath::Tf32
                    ? kCublasCompute32FFastTf32
                    : kCublasCompute32F;
  float alpha = 1.0f;
  const void *first = reinterpret_cast<const void *>(b);
  const void *second = reinterpret_cast<const void *>(a);
  void *output = reinterpret_cast<void *>(c);
  if (g.batch == 1) {
    check(api_->gemmEx(handle_, call.opFirst, call.opSecond, int(call.m),
                       int(call.n), int(call.k), &alpha, first, type,
                       int(call.ldFirst), second, type, int(call.ldSecond),
                       &beta, output, outputType, int(call.ldOutput), compute,
                       kCublasGemmDefault),
          what);
    return;
  }
  check(api_->gemmStridedBatchedEx(
            handle_, call.opFirst, call.opSecond, int(call.m), int(call.n),
            int(call.k), &alpha, first, type, int(call.ldFirst),
            call.strideFirst, second, type, int(call.ldSecond),
            call.strideSecond, &beta, output, outputType, int(call.ldOutput),
            call.strideOutput, int(call.batch), compute, kCublasGemmDefault),
        what);
}
