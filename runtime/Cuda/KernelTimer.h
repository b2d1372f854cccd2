//===- KernelTimer.h - timing a function's kernels on the GPU -------------===//
//
// What the tuner measures: CUDA events around one call on the executor's
// stream, after warm-up calls (module loading, NVRTC, the allocator's first
// allocations), with L2 flushed before each repetition (a buffer larger
// than any L2 is overwritten) so that no variant is timed on operands a
// previous one left in cache; the median of the repetitions. A reset step
// before each call (outside the timed region) puts the scratch outputs
// back, so accumulating kernels start from the same state every time.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_CUDA_KERNELTIMER_H
#define SIEVE_RUNTIME_CUDA_KERNELTIMER_H

#include "runtime/Cuda/GpuExecutor.h"

#include <functional>
#include <vector>

namespace sieve::runtime::cuda {

struct TimingOptions {
  int warmup = 3;
  int repetitions = 20;
  /// Overwritten before each repetition: past the largest L2 (50 MB on an
  /// H100, 96 MB on a B200).
  size_t flushBytes = size_t(256) << 20;
};

/// The median of `values` (the mean of the middle two for an even count).
/// Throws Error when there are none.
double median(std::vector<double> values);

class KernelTimer {
public:
  /// Allocates the flush buffer and the events; throws Error.
  KernelTimer(GpuExecutor &executor, TimingOptions options);
  ~KernelTimer();
  KernelTimer(const KernelTimer &) = delete;
  KernelTimer &operator=(const KernelTimer &) = delete;

  /// The median milliseconds of `run` (which enqueues work on the
  /// executor's stream), `reset` before each call.
  double medianMs(const std::function<void()> &reset,
                  const std::function<void()> &run);

private:
  GpuExecutor &executor_;
  TimingOptions options_;
  DeviceTensor flush_;
  CUevent start_ = nullptr, stop_ = nullptr;
};

} // namespace sieve::runtime::cuda

#endif // SIEVE_RUNTIME_CUDA_KERNELTIMER_H
