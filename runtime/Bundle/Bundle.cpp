//===- Bundle.cpp - load a compiled kernel bundle -------------------------===//

#include "runtime/Bundle/Bundle.h"

#include "runtime/Core/Error.h"
#include "runtime/Core/Sha256.h"

#include <dlfcn.h>

using namespace sieve::runtime;

std::shared_ptr<Bundle> Bundle::load(const std::string &directory) {
  std::shared_ptr<Bundle> bundle(new Bundle());
  bundle->directory_ = directory;
  bundle->manifest_ = Manifest::read(directory + "/manifest.json");
  const Manifest &m = bundle->manifest_;
  if (m.targetName != "host")
    throw Error("bundle " + directory + " targets '" + m.targetName +
                "'; the host executor runs 'host' bundles");
  if (m.library.empty() || m.library.find('/') != std::string::npos)
    throw Error("bundle " + directory + ": the library name '" + m.library +
                "' must be a file in the bundle");

  std::string libraryPath = directory + "/" + m.library;
  std::string actual = sha256OfFile(libraryPath);
  if (actual != m.librarySha256)
    throw Error("bundle " + directory + ": " + m.library +
                " does not match the SHA-256 in its manifest (corrupted or "
                "truncated); recompile the bundle");

  bundle->handle_ = dlopen(libraryPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!bundle->handle_)
    throw Error("bundle " + directory + ": cannot load " + m.library + ": " +
                dlerror());
  for (const FunctionSpec &fn : m.functions) {
    void *address = dlsym(bundle->handle_, fn.symbol.c_str());
    if (!address)
      throw Error("bundle " + directory + ": " + m.library + " has no symbol " +
                  fn.symbol + " for function " + fn.name);
    bundle->entries_[fn.name] = address;
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

void *Bundle::entry(const FunctionSpec &function) const {
  return entries_.at(function.name);
}

void *Bundle::lookup(const char *symbol) const {
  return dlsym(handle_, symbol);
}
