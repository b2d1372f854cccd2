//===- Bundle.h - load a compiled kernel bundle ---------------------------===//
//
// Loads a bundle directory the compiler wrote: reads the manifest, checks
// the library against its recorded SHA-256 (a truncated or corrupted library
// is refused, never loaded), dlopens it and resolves every function's
// symbol. A GPU bundle needs a GPU of its architecture: its library loads
// its PTX into the driver as it is opened.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_BUNDLE_BUNDLE_H
#define SIEVE_RUNTIME_BUNDLE_BUNDLE_H

#include "runtime/Bundle/Manifest.h"

#include <map>
#include <memory>
#include <string>

namespace sieve::runtime {

class Bundle {
public:
  /// Loads the bundle in `directory`; throws Error saying what is wrong.
  static std::shared_ptr<Bundle> load(const std::string &directory);
  ~Bundle();
  Bundle(const Bundle &) = delete;
  Bundle &operator=(const Bundle &) = delete;

  const Manifest &manifest() const { return manifest_; }
  /// Whether the bundle's kernels are PTX for an NVIDIA GPU (its target is
  /// "sm_80", "sm_90a", ...) rather than host code.
  bool isGpu() const { return isGpuTarget(manifest_.targetName); }
  static bool isGpuTarget(const std::string &target) {
    return target.rfind("sm_", 0) == 0;
  }
  const std::string &directory() const { return directory_; }
  /// The function called `name`; throws Error listing the functions there
  /// are when there is none.
  const FunctionSpec &function(const std::string &name) const;
  /// The address of a function's entry point: its default, or variant
  /// `variant` (< function.variantCount(); throws Error otherwise).
  void *entry(const FunctionSpec &function, size_t variant = 0) const;
  /// A symbol of the library or its dependencies, or null.
  void *lookup(const char *symbol) const;

private:
  Bundle() = default;

  std::string directory_;
  Manifest manifest_;
  void *handle_ = nullptr;
  /// By function name: the address of each variant (one when it has none).
  std::map<std::string, std::vector<void *>> entries_;
};

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_BUNDLE_BUNDLE_H
