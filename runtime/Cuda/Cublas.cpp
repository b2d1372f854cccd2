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
  ColumnMajorCall call;
  call.m = g.n;
  call.n = g.m;
  call.k = g.k;
  call.opFirst = g.transposeB ? kCublasOpT : kCublasOpN;
  call.ldFirst = g.transposeB ? g.k : g.n;
  call.opSecond = g.transposeA ? kCublasOpT : kCublasOpN;
  call.ldSecond = g.transposeA ? g.m : g.k;
  call.ldOutput = g.n;
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
         resolve(library_, "cublasGemmEx", a.gemmEx, whyNot);
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
                  const std::string &what) {
  constexpr int64_t kMax = std::numeric_limits<int>::max();
  if (g.m < 1 || g.n < 1 || g.k < 1 || g.m > kMax || g.n > kMax || g.k > kMax)
    throw Error(what + ": GEMM sizes " + std::to_string(g.m) + " x " +
                std::to_string(g.n) + " x " + std::to_string(g.k) +
                " are outside cuBLAS's 32-bit range");
  int type = dataTypeOf(dtype);
  int compute = dtype == DType::F32 && math == GemmMath::Tf32
                    ? kCublasCompute32FFastTf32
                    : kCublasCompute32F;
  ColumnMajorCall call = columnMajorCall(g);
  float alpha = 1.0f;
  check(api_->gemmEx(handle_, call.opFirst, call.opSecond, int(call.m),
                     int(call.n), int(call.k), &alpha,
                     reinterpret_cast<const void *>(b), type, int(call.ldFirst),
                     reinterpret_cast<const void *>(a), type,
                     int(call.ldSecond), &beta, reinterpret_cast<void *>(c),
                     type, int(call.ldOutput), compute, kCublasGemmDefault),
        what);
}
