//===- Bundle.cpp - load a compiled kernel bundle -------------------------===//

#include "runtime/Bundle/Bundle.h"

#include "runtime/Core/Error.h"
#include "runtime/Core/Sha256.h"
#include "runtime/Cuda/GpuRuntime.h"

#include <cstdlib>

#include <dlfcn.h>

using namespace sieve::runtime;

namespace {

/// Throws unless there is a GPU that runs `target`'s PTX: sm_80 PTX runs on
/// compute capability 8.0 and later, sm_90a PTX only on 9.0.
void checkGpuFor(const std::string &directory, const std::string &target) {
  std::string why;
  cuda::GpuRuntime *runtime = cuda::GpuRuntime::get(&why);
  if (!runtime)
    throw Error("bundle " + directory + " targets " + target +
                " but there is no usable GPU: " + why);
  int capability = runtime->driver().computeCapability();
  bool archSpecific = target.back() == 'a';
  int wanted = std::atoi(target.c_str() + 3);
  if (capability < wanted || (archSpecific && capability != wanted))
    throw Error("bundle " + directory + " targets " + target +
                " but GPU 0 is " + runtime->driver().describe() +
                "; recompile with --target sm_" + std::to_string(capability));
}

} // namespace

std::shared_ptr<Bundle> Bundle::load(const std::string &directory) {
  std::shared_ptr<Bundle> bundle(new Bundle());
  bundle->directory_ = directory;
  bundle->manifest_ = Manifest::read(directory + "/manifest.json");
  const Manifest &m = bundle->manifest_;
  bool gpu = isGpuTarget(m.targetName);
  if (m.targetName != "host" && !gpu)
    throw Error("bundle " + directory + " targets '" + m.targetName +
                "'; this runtime runs 'host' and 'sm_*' bundles");
  if (m.library.empty() || m.library.find('/') != std::string::npos)
    throw Error("bundle " + directory + ": the library name '" + m.library +
                "' must be a file in the bundle");

  std::string libraryPath = directory + "/" + m.library;
  std::string actual = sha256OfFile(libraryPath);
  if (actual != m.librarySha256)
    throw Error("bundle " + directory + ": " + m.library +
                " does not match the SHA-256 in its manifest (corrupted or "
                "truncated); recompile the bundle");

  if (gpu)
    checkGpuFor(directory, m.targetName);
  bundle->handle_ = dlopen(libraryPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!bundle->handle_)
    throw Error("bundle " + directory + ": cannot load " + m.library + ": " +
                dlerror());
  // Opening the library loaded its PTX modules (global constructors).
  if (std::string errors = cuda::GpuRuntime::takeErrors();
      gpu && !errors.empty())
    throw Error("bundle " + directory + ": " + errors);
  for (const FunctionSpec &fn : m.functions) {
    std::vector<std::string> symbols = {fn.symbol};
    for (size_t v = 1; v < fn.variants.size(); ++v)
      symbols.push_back(fn.variants[v].symbol);
    for (const std::string &symbol : symbols) {
      void *address = dlsym(bundle->handle_, symbol.c_str());
      if (!address)
        throw Error("bundle " + directory + ": " + m.library +
                    " has no symbol " + symbol + " for function " + fn.name);
      bundle->entries_[fn.name].push_back(address);
    }
  }
  return bundle;
}

Bundle::~Bundle() {
  if (handle_)
    dlclose(handle_);
}

const FunctionSpec &Bundle::function(const std::string &name) const {
  for (const FunctionSpec &fn : manifest_.functions)
    if (fn.name == name)
      return fn;
  std::string known;
  for (const FunctionSpec &fn : manifest_.functions)
    known += (known.empty() ? "" : ", ") + fn.name;
  throw Error("bundle " + directory_ + " has no function '" + name +
              "' (it has: " + known + ")");
}

void *Bundle::entry(const FunctionSpec &function, size_t variant) const {
  const std::vector<void *> &addresses = entries_.at(function.name);
  if (variant >= addresses.size())
    throw Error("bundle " + directory_ + ": function " + function.name +
                " has " + std::to_string(addresses.size()) +
                " variant(s); there is no variant " + std::to_string(variant));
  return addresses[variant];
}

void *Bundle::lookup(const char *symbol) const {
  return dlsym(handle_, symbol);
}
