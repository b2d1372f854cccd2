//===- Compile.h - compile a module of layers into a kernel bundle --------===//
//
// The compile driver: JIT-style compile-on-miss through the kernel cache.
// The key covers the compiler build, the module, the target and the stage
// pipelines; a miss runs every stage, emits and links the kernels, writes
// the manifest and publishes the entry; hit or miss, the bundle is then
// copied to the output directory.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_DRIVER_COMPILE_H
#define SIEVE_COMPILER_DRIVER_COMPILE_H

#include "compiler/Pipelines/Stages.h"
#include "compiler/Target/Host/HostTarget.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace mlir::sieve {

struct CompileOptions {
  /// Where the bundle is written (created if needed).
  std::string outputDirectory;
  /// The kernel cache; empty means KernelCache::defaultDirectory().
  std::string cacheDirectory;
  /// The source file, recorded in the manifest for people.
  std::string source;
  /// "host", "sm_80" or "sm_90a" (see getTargetNames()).
  std::string target = "host";
  /// The CPU the host code is generated for: empty means this machine's
  /// for the host target and "x86-64-v3" (any AVX2 machine, as GPU nodes
  /// are) for the host side of GPU targets.
  std::string hostCpu;
  /// How GPU targets compute CVMM (getGpuPrecisions()).
  std::string gpuPrecision = "f32";
  /// The CVMM tile configurations GPU bundles hold variants for
  /// (comma-separated MxNxKxSxP, the default first).
  std::string gpuTiles = kDefaultGpuTiles;
  /// How GPU targets sort the routed pairs (getGpuDispatches()).
  std::string gpuDispatch = "generated";
};

struct CompileOutcome {
  bool cacheHit = false;
  std::string cacheKey;
  /// The cache entry the bundle was copied from.
  std::string cacheEntry;
  /// Things worth telling the user (a damaged cache entry rebuilt, ...).
  std::vector<std::string> notes;
};

/// A SHA-256 of the running compiler's executable: any change to the
/// compiler changes it.
const std::string &compilerBuildId();

/// The cache key of compiling `module` for `target` ("host", "sm_80", ...)
/// with host code for `host`.
std::string bundleCacheKey(ModuleOp module, const HostTarget &host,
                           StringRef target = "host",
                           StringRef gpuPrecision = "f32",
                           StringRef gpuTiles = kDefaultGpuTiles,
                           StringRef gpuDispatch = "generated");

/// Compiles `module` (verified sieve layer ops and upstream ops) for
/// `options.target` into a bundle. The module is not modified. Errors are
/// reported as diagnostics on the module.
FailureOr<CompileOutcome> compileToBundle(ModuleOp module,
                                          const CompileOptions &options);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_DRIVER_COMPILE_H
