//===- Nvrtc.h - CUDA C++ to PTX at run time, cached on disk
//---------------===//
//
// The few kernels the compiler does not generate (sorting the routed pairs
// with CUB's block primitives) are CUDA C++ compiled on first use by NVRTC,
// loaded like libcuda with dlopen (no GPU is needed to compile), for the
// device's architecture. The PTX is cached on disk under a key hashing the
// source, the options and the NVRTC version; entries are written atomically
// and carry their SHA-256, so a damaged entry is noticed and rebuilt.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_CUDA_NVRTC_H
#define SIEVE_RUNTIME_CUDA_NVRTC_H

#include <string>
#include <vector>

namespace sieve::runtime::cuda {

/// The CUDA toolkit the runtime compiles against: $SIEVE_CUDA_TOOLKIT, else
/// $CUDA_HOME, else /usr/local/cuda.
std::string cudaToolkitDirectory();

/// dlopens a library of the CUDA toolkit ("libnvrtc.so"): the path in
/// $`overrideVariable` if set, else the name with the .13 and .12 sonames,
/// as is, and in the toolkit's lib64. Returns null with every attempt's
/// error in `errors`.
void *openToolkitLibrary(const std::string &name, const char *overrideVariable,
                         std::string &errors);

struct NvrtcResult {
  std::string ptx;
  bool cacheHit = false;
  /// Things worth telling the user (a damaged cache entry rebuilt).
  std::vector<std::string> notes;
};

class Nvrtc {
public:
  /// NVRTC, or null with `whyNot` saying why (libnvrtc not found).
  static Nvrtc *get(std::string *whyNot = nullptr);

  /// "13.0".
  std::string version() const;

  /// Compiles `source` (named `name` in messages) for `architecture`
  /// ("compute_80", "compute_90a") with the toolkit's CUB and libcu++ on
  /// the include path, through the cache in `cacheDirectory`. Throws Error
  /// with NVRTC's log when the source does not compile.
  NvrtcResult compile(const std::string &source, const std::string &name,
                      const std::string &architecture,
                      const std::string &cacheDirectory) const;

private:
  Nvrtc() = default;
  bool load(std::string &whyNot);
  std::string compileUncached(const std::string &source,
                              const std::string &name,
                              const std::vector<std::string> &options) const;

  void *library_ = nullptr;
  int major_ = 0, minor_ = 0;
  struct Api;
  const Api *api_ = nullptr;
};

} // namespace sieve::runtime::cuda

#endif // SIEVE_RUNTIME_CUDA_NVRTC_H
