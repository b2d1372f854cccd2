//===- Driver.cpp - the CUDA driver API, loaded at run time ---------------===//

#include "runtime/Cuda/Driver.h"

#include "runtime/Core/Error.h"

#include <dlfcn.h>
#include <mutex>

using namespace sieve::runtime;
using namespace sieve::runtime::cuda;

namespace {

template <typename Fn>
bool resolve(void *library, const char *symbol, Fn &slot, std::string &why) {
  slot = reinterpret_cast<Fn>(dlsym(library, symbol));
  if (!slot)
    why = std::string("the CUDA driver has no ") + symbol +
          " (driver too old for this runtime)";
  return slot != nullptr;
}

} // namespace

bool Driver::load(std::string &whyNot) {
  const char *override = std::getenv("SIEVE_CUDA_DRIVER");
  const char *path = override && *override ? override : "libcuda.so.1";
  library_ = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!library_) {
    whyNot =
        std::string(path) +
        " cannot be loaded (no NVIDIA driver on this machine): " + dlerror();
    return false;
  }
  DriverApi &a = api_;
  bool ok =
      resolve(library_, "cuInit", a.cuInit, whyNot) &&
      resolve(library_, "cuDriverGetVersion", a.cuDriverGetVersion, whyNot) &&
      resolve(library_, "cuDeviceGetCount", a.cuDeviceGetCount, whyNot) &&
      resolve(library_, "cuDeviceGet", a.cuDeviceGet, whyNot) &&
      resolve(library_, "cuDeviceGetName", a.cuDeviceGetName, whyNot) &&
      resolve(library_, "cuDeviceGetAttribute", a.cuDeviceGetAttribute,
              whyNot) &&
      resolve(library_, "cuDeviceTotalMem_v2", a.cuDeviceTotalMem, whyNot) &&
      resolve(library_, "cuDevicePrimaryCtxRetain", a.cuDevicePrimaryCtxRetain,
              whyNot) &&
      resolve(library_, "cuCtxSetCurrent", a.cuCtxSetCurrent, whyNot) &&
      resolve(library_, "cuCtxSynchronize", a.cuCtxSynchronize, whyNot) &&
      resolve(library_, "cuModuleLoadDataEx", a.cuModuleLoadDataEx, whyNot) &&
      resolve(library_, "cuModuleUnload", a.cuModuleUnload, whyNot) &&
      resolve(library_, "cuModuleGetFunction", a.cuModuleGetFunction, whyNot) &&
      resolve(library_, "cuFuncSetAttribute", a.cuFuncSetAttribute, whyNot) &&
      resolve(library_, "cuLaunchKernel", a.cuLaunchKernel, whyNot) &&
      resolve(library_, "cuStreamCreate", a.cuStreamCreate, whyNot) &&
      resolve(library_, "cuStreamDestroy_v2", a.cuStreamDestroy, whyNot) &&
      resolve(library_, "cuStreamSynchronize", a.cuStreamSynchronize, whyNot) &&
      resolve(library_, "cuMemAlloc_v2", a.cuMemAlloc, whyNot) &&
      resolve(library_, "cuMemFree_v2", a.cuMemFree, whyNot) &&
      resolve(library_, "cuMemGetInfo_v2", a.cuMemGetInfo, whyNot) &&
      resolve(library_, "cuMemcpyHtoDAsync_v2", a.cuMemcpyHtoDAsync, whyNot) &&
      resolve(library_, "cuMemcpyDtoHAsync_v2", a.cuMemcpyDtoHAsync, whyNot) &&
      resolve(library_, "cuMemcpyDtoDAsync_v2", a.cuMemcpyDtoDAsync, whyNot) &&
      resolve(library_, "cuMemsetD8Async", a.cuMemsetD8Async, whyNot) &&
      resolve(library_, "cuEventCreate", a.cuEventCreate, whyNot) &&
      resolve(library_, "cuEventRecord", a.cuEventRecord, whyNot) &&
      resolve(library_, "cuEventSynchronize", a.cuEventSynchronize, whyNot) &&
      resolve(library_,
              dlsym(library_, "cuEventElapsedTime_v2") ? "cuEventElapsedTime_v2"
                                                       : "cuEventElapsedTime",
              a.cuEventElapsedTime, whyNot) &&
      resolve(library_, "cuEventDestroy_v2", a.cuEventDestroy, whyNot) &&
      resolve(library_, "cuGetErrorName", a.cuGetErrorName, whyNot) &&
      resolve(library_, "cuGetErrorString", a.cuGetErrorString, whyNot);
  // Optional: only bundles that read weights by TMA (sm_90a) need it.
  a.cuTensorMapEncodeTiled =
      reinterpret_cast<decltype(a.cuTensorMapEncodeTiled)>(
          dlsym(library_, "cuTensorMapEncodeTiled"));
  if (!ok)
    return false;

  CUresult result = a.cuInit(0);
  if (result != kSuccess) {
    whyNot = "the CUDA driver did not initialise: " + errorText(result);
    return false;
  }
  int count = 0;
  result = a.cuDeviceGetCount(&count);
  if (result != kSuccess || count == 0) {
    whyNot = "the CUDA driver sees no GPU" +
             (result != kSuccess ? ": " + errorText(result) : std::string());
    return false;
  }
  char name[256] = {};
  if ((result = a.cuDeviceGet(&device_, 0)) != kSuccess ||
      (result = a.cuDeviceGetName(name, sizeof(name) - 1, device_)) !=
          kSuccess ||
      (result = a.cuDeviceGetAttribute(
           &major_, kAttributeComputeCapabilityMajor, device_)) != kSuccess ||
      (result = a.cuDeviceGetAttribute(
           &minor_, kAttributeComputeCapabilityMinor, device_)) != kSuccess ||
      (result = a.cuDeviceGetAttribute(&multiprocessors_,
                                       kAttributeMultiprocessorCount,
                                       device_)) != kSuccess ||
      (result = a.cuDeviceTotalMem(&totalMemory_, device_)) != kSuccess ||
      (result = a.cuDriverGetVersion(&driverVersion_)) != kSuccess ||
      (result = a.cuDevicePrimaryCtxRetain(&context_, device_)) != kSuccess ||
      (result = a.cuCtxSetCurrent(context_)) != kSuccess) {
    whyNot = "GPU 0 cannot be used: " + errorText(result);
    return false;
  }
  name_ = name;
  return true;
}

Driver *Driver::get(std::string *whyNot) {
  static std::once_flag once;
  static Driver *driver = nullptr;
  static std::string reason;
  std::call_once(once, [] {
    auto *candidate = new Driver();
    if (candidate->load(reason))
      driver = candidate;
    // A driver that failed half-way stays loaded: unloading libcuda after
    // cuInit is not supported.
  });
  if (driver)
    driver->makeCurrent();
  if (!driver && whyNot)
    *whyNot = reason;
  return driver;
}

int Driver::attribute(int which) const {
  int value = 0;
  check(api_.cuDeviceGetAttribute(&value, which, device_),
        "reading device attribute " + std::to_string(which));
  return value;
}

void Driver::makeCurrent() const { api_.cuCtxSetCurrent(context_); }

std::string Driver::errorText(CUresult result) const {
  const char *name = nullptr, *text = nullptr;
  if (api_.cuGetErrorName)
    api_.cuGetErrorName(result, &name);
  if (api_.cuGetErrorString)
    api_.cuGetErrorString(result, &text);
  return std::string(name ? name : "CUDA error " + std::to_string(result)) +
         (text ? std::string(" (") + text + ")" : std::string());
}

void Driver::check(CUresult result, const std::string &what) const {
  if (result != kSuccess)
    throw Error(what + ": " + errorText(result));
}

std::string Driver::describe() const {
  return name_ + ", sm_" + std::to_string(computeCapability()) + ", " +
         std::to_string(multiprocessors_) + " SMs, " +
         std::to_string(totalMemory_ >> 30) + " GiB, driver " +
         std::to_string(driverVersion_ / 1000) + "." +
         std::to_string(driverVersion_ % 1000 / 10);
}
