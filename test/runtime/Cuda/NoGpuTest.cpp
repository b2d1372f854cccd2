//===- NoGpuTest.cpp - what the runtime does without a GPU ----------------===//
//
// On machines without a driver (build machines, CI) the GPU executor is
// not made and says why in one line, a GPU bundle is refused with that
// reason, and the host backend still runs. On a machine with a GPU these
// tests skip (the GPU suite covers it).
//
//===----------------------------------------------------------------------===//

#include "runtime/Bundle/Bundle.h"
#include "runtime/Core/Error.h"
#include "runtime/Cuda/Driver.h"
#include "runtime/Cuda/GpuExecutor.h"
#include "runtime/Cuda/GpuRuntime.h"
#include "runtime/Cuda/RoutingSupport.h"

#include <dlfcn.h>

#include <cstdlib>

#if __has_include(<cuda.h>)
#include <cuda.h>
#endif

#include <gtest/gtest.h>

using namespace sieve::runtime;

TEST(NoGpuTest, TheExecutorSaysWhyThereIsNone) {
  if (cuda::Driver::get())
    GTEST_SKIP() << "a GPU is present";
  std::string why;
  EXPECT_EQ(cuda::GpuExecutor::create(&why), nullptr);
  EXPECT_NE(why.find("cannot be loaded (no NVIDIA driver on this machine)"),
            std::string::npos)
      << why;
}

TEST(NoGpuTest, GpuBundlesAreRefusedWithTheReason) {
  if (cuda::Driver::get())
    GTEST_SKIP() << "a GPU is present";
  if (std::string(SIEVE_TEST_GPU_BUNDLE).empty())
    GTEST_SKIP() << "built without the CUDA toolkit: no GPU bundle";
  try {
    Bundle::load(SIEVE_TEST_GPU_BUNDLE);
    FAIL() << "a GPU bundle loaded without a GPU";
  } catch (const Error &error) {
    std::string message = error.what();
    EXPECT_NE(message.find("targets sm_80 but there is no usable GPU: "),
              std::string::npos)
        << message;
  }
}

// The sort that bundles compiled with --gpu-dispatch cub call is exported
// for them (generated code finds it by name when kernels.so is opened) and,
// without a GPU, records why instead of crashing.
TEST(NoGpuTest, TheRuntimeSortCallRecordsWhyThereIsNoGpu) {
  if (cuda::Driver::get())
    GTEST_SKIP() << "a GPU is present";
  void *symbol =
      dlsym(RTLD_DEFAULT, "_mlir_ciface_sieve_gpu_sort_pairs_by_expert");
  ASSERT_NE(symbol, nullptr) << "the runtime does not export the sort";
  struct Descriptor1 {
    int32_t *allocated, *aligned;
    int64_t offset, sizes[1], strides[1];
  };
  struct Descriptor2 {
    int32_t *allocated, *aligned;
    int64_t offset, sizes[2], strides[2];
  };
  using Sort = void (*)(Descriptor2 *, Descriptor1 *, Descriptor1 *);
  int32_t experts[4] = {1, 0, 1, -1}, pairs[4] = {}, offsets[3] = {};
  Descriptor2 e{experts, experts, 0, {2, 2}, {2, 1}};
  Descriptor1 p{pairs, pairs, 0, {4}, {1}}, o{offsets, offsets, 0, {3}, {1}};
  cuda::GpuRuntime::takeErrors();
  reinterpret_cast<Sort>(symbol)(&e, &p, &o);
  std::string errors = cuda::GpuRuntime::takeErrors();
  EXPECT_NE(errors.find("sorting the routed pairs: no GPU: "),
            std::string::npos)
      << errors;
}

// sm_90a bundles ask the runtime for their weights' TMA tensor maps; both
// element types are exported and, without a GPU, record why and return null.
TEST(NoGpuTest, TheTensorMapCallsRecordWhyThereIsNoGpu) {
  if (cuda::Driver::get())
    GTEST_SKIP() << "a GPU is present";
  struct Descriptor3 {
    void *allocated, *aligned;
    int64_t offset, sizes[3], strides[3];
  };
  using MakeMap = void *(*)(Descriptor3 *, int64_t);
  alignas(16) uint16_t weight[2 * 8 * 64] = {};
  Descriptor3 w{weight, weight, 0, {2, 8, 64}, {512, 64, 1}};
  for (const char *name : {"_mlir_ciface_sieve_gpu_tensor_map_bf16",
                           "_mlir_ciface_sieve_gpu_tensor_map_f16"}) {
    void *symbol = dlsym(RTLD_DEFAULT, name);
    ASSERT_NE(symbol, nullptr) << "the runtime does not export " << name;
    cuda::GpuRuntime::takeErrors();
    EXPECT_EQ(reinterpret_cast<MakeMap>(symbol)(&w, 64), nullptr);
    std::string errors = cuda::GpuRuntime::takeErrors();
    EXPECT_NE(errors.find("making a TMA tensor map: no GPU: "),
              std::string::npos)
        << errors;
  }
}

TEST(NoGpuTest, TheSupportKernelsCacheFollowsTheKernelCache) {
  const char *saved = std::getenv("SIEVE_CACHE_DIR");
  std::string restore = saved ? saved : "";
  setenv("SIEVE_CACHE_DIR", "/some/cache", 1);
  EXPECT_EQ(cuda::RoutingSupport::defaultCacheDirectory(), "/some/cache/nvrtc");
  if (saved)
    setenv("SIEVE_CACHE_DIR", restore.c_str(), 1);
  else
    unsetenv("SIEVE_CACHE_DIR");
}

#if __has_include(<cuda.h>)
// The driver ABI the runtime declares itself matches the toolkit's.
static_assert(CUDA_SUCCESS == cuda::kSuccess);
static_assert(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR ==
              cuda::kAttributeComputeCapabilityMajor);
static_assert(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR ==
              cuda::kAttributeComputeCapabilityMinor);
static_assert(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT ==
              cuda::kAttributeMultiprocessorCount);
static_assert(CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE ==
              cuda::kAttributeMemoryClockRate);
static_assert(CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH ==
              cuda::kAttributeGlobalMemoryBusWidth);
static_assert(CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES ==
              cuda::kFunctionAttributeMaxDynamicSharedSizeBytes);
static_assert(CU_JIT_ERROR_LOG_BUFFER == cuda::kJitErrorLogBuffer);
static_assert(CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES ==
              cuda::kJitErrorLogBufferSizeBytes);
static_assert(CU_JIT_OPTIMIZATION_LEVEL == cuda::kJitOptimizationLevel);
static_assert(sizeof(CUdeviceptr) == sizeof(cuda::CUdeviceptr));
static_assert(sizeof(CUtensorMap) == sizeof(cuda::CUtensorMap));
static_assert(alignof(CUtensorMap) == alignof(cuda::CUtensorMap));
static_assert(CU_TENSOR_MAP_DATA_TYPE_FLOAT16 ==
              cuda::kTensorMapDataTypeFloat16);
static_assert(CU_TENSOR_MAP_DATA_TYPE_BFLOAT16 ==
              cuda::kTensorMapDataTypeBFloat16);
static_assert(CU_TENSOR_MAP_INTERLEAVE_NONE == cuda::kTensorMapInterleaveNone);
static_assert(CU_TENSOR_MAP_SWIZZLE_128B == cuda::kTensorMapSwizzle128B);
static_assert(CU_TENSOR_MAP_L2_PROMOTION_L2_128B ==
              cuda::kTensorMapL2Promotion128B);
static_assert(CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE ==
              cuda::kTensorMapFloatOobFillNone);
#endif
