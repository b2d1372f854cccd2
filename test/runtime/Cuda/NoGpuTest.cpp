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

#if __has_include(<cuda.h>)
// The driver ABI the runtime declares itself matches the toolkit's.
static_assert(CUDA_SUCCESS == cuda::kSuccess);
static_assert(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR ==
              cuda::kAttributeComputeCapabilityMajor);
static_assert(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR ==
              cuda::kAttributeComputeCapabilityMinor);
static_assert(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT ==
              cuda::kAttributeMultiprocessorCount);
static_assert(CU_JIT_ERROR_LOG_BUFFER == cuda::kJitErrorLogBuffer);
static_assert(CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES ==
              cuda::kJitErrorLogBufferSizeBytes);
static_assert(CU_JIT_OPTIMIZATION_LEVEL == cuda::kJitOptimizationLevel);
static_assert(sizeof(CUdeviceptr) == sizeof(cuda::CUdeviceptr));
#endif
