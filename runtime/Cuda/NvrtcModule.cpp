//===- NvrtcModule.cpp - CUDA C++ kernels built by NVRTC, loaded ----------===//

#include "runtime/Cuda/NvrtcModule.h"

#include "runtime/Core/Error.h"
#include "runtime/Cuda/Nvrtc.h"

using namespace sieve::runtime;
using namespace sieve::runtime::cuda;

NvrtcModule::NvrtcModule(GpuExecutor &executor, const std::string &source,
                         const std::string &name,
                         const std::string &cacheDirectory,
                         std::vector<std::string> *notes)
    : executor_(executor), name_(name) {
  std::string why;
  Nvrtc *nvrtc = Nvrtc::get(&why);
  if (!nvrtc)
    throw Error(name + " needs NVRTC: " + why);
  const Driver &driver = executor.runtime().driver();
  NvrtcResult compiled = nvrtc->compile(
      source, name, "compute_" + std::to_string(driver.computeCapability()),
      cacheDirectory);
  if (notes)
    notes->insert(notes->end(), compiled.notes.begin(), compiled.notes.end());
  driver.check(driver.api().cuModuleLoadDataEx(&module_, compiled.ptx.c_str(),
                                               0, nullptr, nullptr),
               "loading " + name);
}

NvrtcModule::~NvrtcModule() {
  if (module_)
    executor_.runtime().driver().api().cuModuleUnload(module_);
}

CUfunction NvrtcModule::function(const std::string &entry) const {
  CUfunction function = nullptr;
  const Driver &driver = executor_.runtime().driver();
  driver.check(
      driver.api().cuModuleGetFunction(&function, module_, entry.c_str()),
      "finding " + entry + " in " + name_);
  return function;
}
