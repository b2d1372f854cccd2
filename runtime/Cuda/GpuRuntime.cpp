//===- GpuRuntime.cpp - the process's GPU state behind the kernels' ABI ---===//

#include "runtime/Cuda/GpuRuntime.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace sieve::runtime::cuda;

namespace {
thread_local CUstream currentStreamOfThread = nullptr;
std::mutex errorMutex;
std::vector<std::string> pendingErrors;
std::atomic<bool> anyError{false};
} // namespace

GpuRuntime *GpuRuntime::get(std::string *whyNot) {
  static GpuRuntime *runtime = []() -> GpuRuntime * {
    Driver *driver = Driver::get();
    if (!driver)
      return nullptr;
    auto *created = new GpuRuntime();
    created->driver_ = driver;
    created->allocator_ = std::make_unique<CachingAllocator>(
        [driver](size_t bytes) -> CachingAllocator::Address {
          CUdeviceptr address = 0;
          if (driver->api().cuMemAlloc(&address, bytes) != kSuccess)
            return 0;
          return address;
        },
        [driver](CachingAllocator::Address address) {
          driver->api().cuMemFree(address);
        });
    const char *sync = std::getenv("SIEVE_CUDA_SYNC");
    created->syncEachLaunch_ = sync && std::strcmp(sync, "0") != 0;
    const char *profile = std::getenv("SIEVE_CUDA_PROFILE");
    created->profiling_ = profile && std::strcmp(profile, "0") != 0;
    return created;
  }();
  if (!runtime) {
    Driver::get(whyNot);
    return nullptr;
  }
  runtime->driver_->makeCurrent();
  return runtime;
}

CUstream GpuRuntime::currentStream() { return currentStreamOfThread; }

void GpuRuntime::setCurrentStream(CUstream stream) {
  currentStreamOfThread = stream;
}

void GpuRuntime::recordError(const std::string &message) {
  std::lock_guard<std::mutex> lock(errorMutex);
  if (pendingErrors.size() < 8)
    pendingErrors.push_back(message);
  anyError = true;
}

bool GpuRuntime::hasErrors() { return anyError; }

std::string GpuRuntime::takeErrors() {
  std::lock_guard<std::mutex> lock(errorMutex);
  std::string joined;
  for (const std::string &error : pendingErrors)
    joined += (joined.empty() ? "" : "; ") + error;
  pendingErrors.clear();
  anyError = false;
  return joined;
}

void GpuRuntime::nameKernel(void *function, const std::string &name) {
  std::lock_guard<std::mutex> lock(profileMutex_);
  if (kernelNames_.count(function))
    return;
  // Outlined kernels of one entry point share a name: number them in the
  // order they are first launched.
  int same = 0;
  for (const auto &[other, otherName] : kernelNames_)
    same += otherName.rfind(name + " #", 0) == 0;
  kernelNames_[function] = name + " #" + std::to_string(same);
}

void GpuRuntime::recordLaunch(void *function, const std::string &shape,
                              double milliseconds) {
  std::lock_guard<std::mutex> lock(profileMutex_);
  auto name = kernelNames_.find(function);
  KernelTime &time =
      profile_[(name == kernelNames_.end() ? "(unnamed)" : name->second) + " " +
               shape];
  ++time.launches;
  time.milliseconds += milliseconds;
}

std::string GpuRuntime::takeProfile() {
  std::lock_guard<std::mutex> lock(profileMutex_);
  std::vector<std::pair<std::string, KernelTime>> rows(profile_.begin(),
                                                       profile_.end());
  std::sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) {
    return a.second.milliseconds > b.second.milliseconds;
  });
  std::string text;
  char line[256];
  for (const auto &[name, time] : rows) {
    std::snprintf(line, sizeof(line), "%10.3f ms %6lld launches  %s\n",
                  time.milliseconds, static_cast<long long>(time.launches),
                  name.c_str());
    text += line;
  }
  profile_.clear();
  return text;
}
