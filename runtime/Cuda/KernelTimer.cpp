//===- KernelTimer.cpp - timing a function's kernels on the GPU -----------===//

#include "runtime/Cuda/KernelTimer.h"

#include "runtime/Core/Error.h"

#include <algorithm>

using namespace sieve::runtime;
using namespace sieve::runtime::cuda;

double sieve::runtime::cuda::median(std::vector<double> values) {
  if (values.empty())
    throw Error("the median of no measurements");
  std::sort(values.begin(), values.end());
  size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle]
                           : (values[middle - 1] + values[middle]) / 2;
}

KernelTimer::KernelTimer(GpuExecutor &executor, TimingOptions options)
    : executor_(executor), options_(options) {
  if (options_.warmup < 0 || options_.repetitions < 1)
    throw Error("timing needs at least one repetition (and no negative "
                "warm-up)");
  flush_ = executor_.allocate(DType::I32,
                              {static_cast<int64_t>(options_.flushBytes / 4)});
  const Driver &driver = executor_.runtime().driver();
  driver.check(driver.api().cuEventCreate(&start_, 0), "creating an event");
  driver.check(driver.api().cuEventCreate(&stop_, 0), "creating an event");
}

KernelTimer::~KernelTimer() {
  const DriverApi &api = executor_.runtime().driver().api();
  if (start_)
    api.cuEventDestroy(start_);
  if (stop_)
    api.cuEventDestroy(stop_);
}

double KernelTimer::medianMs(const std::function<void()> &reset,
                             const std::function<void()> &run) {
  const Driver &driver = executor_.runtime().driver();
  const DriverApi &api = driver.api();
  for (int i = 0; i < options_.warmup; ++i) {
    reset();
    run();
  }
  std::vector<double> times;
  for (int i = 0; i < options_.repetitions; ++i) {
    reset();
    driver.check(api.cuMemsetD8Async(flush_.address(),
                                     static_cast<unsigned char>(i),
                                     flush_.bytes(), executor_.stream()),
                 "flushing L2");
    driver.check(api.cuEventRecord(start_, executor_.stream()),
                 "recording an event");
    run();
    driver.check(api.cuEventRecord(stop_, executor_.stream()),
                 "recording an event");
    driver.check(api.cuEventSynchronize(stop_), "waiting for an event");
    float ms = 0;
    driver.check(api.cuEventElapsedTime(&ms, start_, stop_),
                 "reading an event's time");
    times.push_back(ms);
  }
  executor_.synchronize("timing a kernel");
  return median(times);
}
