//===- Driver.h - the CUDA driver API, loaded at run time -----------------===//
//
// The runtime never links libcuda: build machines have no driver, and a
// binary that needs one would not even start there. Driver::get() dlopens
// libcuda.so.1 on first use, resolves the entry points the runtime calls,
// initialises device 0 and makes its primary context current. Where there
// is no driver or no device it reports why, once, and the caller falls back
// to the host backend.
//
// The few driver types and constants used are declared here from the
// driver API's documented ABI (test/runtime/Cuda checks them against the
// toolkit's cuda.h where one is installed), so the runtime builds without
// the CUDA toolkit.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_CUDA_DRIVER_H
#define SIEVE_RUNTIME_CUDA_DRIVER_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace sieve::runtime::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUevent = struct CUevent_st *;
using CUjit_option = int;

constexpr CUresult kSuccess = 0;
constexpr int kAttributeComputeCapabilityMajor = 75;
constexpr int kAttributeComputeCapabilityMinor = 76;
constexpr int kAttributeMultiprocessorCount = 16;
constexpr int kAttributeMemoryClockRate = 36;      // kHz
constexpr int kAttributeGlobalMemoryBusWidth = 37; // bits
constexpr int kFunctionAttributeMaxDynamicSharedSizeBytes = 8;
/// The dynamic shared memory a launch may ask for without raising the
/// kernel's limit.
constexpr int kDefaultDynamicSharedBytes = 48 * 1024;
constexpr CUjit_option kJitErrorLogBuffer = 5;
constexpr CUjit_option kJitErrorLogBufferSizeBytes = 6;
constexpr CUjit_option kJitOptimizationLevel = 7;

/// A TMA tensor map (CUtensorMap): 128 opaque bytes (aligned as CUDA 13).
struct alignas(128) CUtensorMap {
  uint64_t opaque[16];
};
constexpr int kTensorMapDataTypeFloat16 = 6;
constexpr int kTensorMapDataTypeBFloat16 = 9;
constexpr int kTensorMapInterleaveNone = 0;
constexpr int kTensorMapSwizzle128B = 3;
constexpr int kTensorMapL2Promotion128B = 2;
constexpr int kTensorMapFloatOobFillNone = 0; // zeros outside the tensor

/// The driver entry points the runtime uses (the _v2 ABI where there is one).
struct DriverApi {
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDriverGetVersion)(int *);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDeviceGetName)(char *, int, CUdevice);
  CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice);
  CUresult (*cuDeviceTotalMem)(size_t *, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuCtxSynchronize)();
  CUresult (*cuModuleLoadDataEx)(CUmodule *, const void *, unsigned,
                                 CUjit_option *, void **);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuFuncSetAttribute)(CUfunction, int, int);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                             unsigned, unsigned, unsigned, CUstream, void **,
                             void **);
  CUresult (*cuStreamCreate)(CUstream *, unsigned);
  CUresult (*cuStreamDestroy)(CUstream);
  CUresult (*cuStreamSynchronize)(CUstream);
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemGetInfo)(size_t *, size_t *);
  CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr, const void *, size_t, CUstream);
  CUresult (*cuMemcpyDtoHAsync)(void *, CUdeviceptr, size_t, CUstream);
  CUresult (*cuMemcpyDtoDAsync)(CUdeviceptr, CUdeviceptr, size_t, CUstream);
  CUresult (*cuMemsetD8Async)(CUdeviceptr, unsigned char, size_t, CUstream);
  CUresult (*cuEventCreate)(CUevent *, unsigned);
  CUresult (*cuEventRecord)(CUevent, CUstream);
  CUresult (*cuEventSynchronize)(CUevent);
  /// cuEventElapsedTime_v2 where the driver has it (12.8 on), else the
  /// first version.
  CUresult (*cuEventElapsedTime)(float *, CUevent, CUevent);
  CUresult (*cuEventDestroy)(CUevent);
  CUresult (*cuGetErrorName)(CUresult, const char **);
  CUresult (*cuGetErrorString)(CUresult, const char **);
  /// Null where the driver predates TMA (CUDA 12).
  CUresult (*cuTensorMapEncodeTiled)(CUtensorMap *, int, uint32_t, void *,
                                     const uint64_t *, const uint64_t *,
                                     const uint32_t *, const uint32_t *, int,
                                     int, int, int);
};

/// The loaded driver and device 0, its primary context current.
class Driver {
public:
  /// The driver, or null when there is none; `whyNot` then says why in
  /// one line ("libcuda.so.1 not found: no NVIDIA driver on this machine").
  static Driver *get(std::string *whyNot = nullptr);

  const DriverApi &api() const { return api_; }
  /// "NVIDIA H100 80GB HBM3, sm_90, 132 SMs, driver 13.0".
  std::string describe() const;
  const std::string &deviceName() const { return name_; }
  int computeCapability() const { return major_ * 10 + minor_; }
  int driverVersion() const { return driverVersion_; }
  /// A device attribute (kAttribute...); throws Error where the driver has
  /// no such attribute.
  int attribute(int which) const;

  /// Throws Error("<what>: CUDA_ERROR_...: <description>") unless `result`
  /// is success.
  void check(CUresult result, const std::string &what) const;
  /// The driver's name and description of `result`.
  std::string errorText(CUresult result) const;
  /// Makes the context current on the calling thread.
  void makeCurrent() const;

private:
  Driver() = default;
  bool load(std::string &whyNot);

  void *library_ = nullptr;
  DriverApi api_{};
  CUdevice device_ = 0;
  CUcontext context_ = nullptr;
  std::string name_;
  int major_ = 0, minor_ = 0, multiprocessors_ = 0, driverVersion_ = 0;
  size_t totalMemory_ = 0;
};

} // namespace sieve::runtime::cuda

#endif // SIEVE_RUNTIME_CUDA_DRIVER_H
