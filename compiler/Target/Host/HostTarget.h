//===- HostTarget.h - LLVM dialect to a shared library for this CPU -------===//
//
// The last step of the host target: translate a module in the LLVM dialect
// to LLVM IR, optimise it for the CPU the compiler runs on, emit an x86-64
// object and link it into a shared library the runtime can dlopen.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_TARGET_HOST_HOSTTARGET_H
#define SIEVE_COMPILER_TARGET_HOST_HOSTTARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace mlir::sieve {

/// What the generated code is specialised for.
struct HostTarget {
  std::string triple;
  std::string cpu;
  /// Comma-separated "+feature,-feature" list, in a stable order.
  std::string features;
  unsigned optLevel = 3;

  /// The CPU this process runs on.
  static HostTarget detect();
  /// Generic code for the CPU family `cpu` (an LLVM x86 CPU name such as
  /// "x86-64-v3"), for bundles that run on other machines; `error` says why
  /// when LLVM does not know the name.
  static std::optional<HostTarget> named(StringRef cpu, std::string &error);
  /// A stable one-line description, part of the kernel cache key.
  std::string describe() const;
};

/// Registers the translations the host target needs (builtin, LLVM,
/// OpenMP dialects) with `registry`.
void registerHostTranslations(DialectRegistry &registry);

/// Translates `module` (LLVM dialect only) and writes an optimised object
/// file for `target` to `objectPath`. Errors are emitted on the module.
LogicalResult emitObjectFile(ModuleOp module, const HostTarget &target,
                             StringRef objectPath);

/// Links `objectPath` into the shared library `libraryPath` with the
/// system C compiler driver, against libm and (with `openmp`) the OpenMP
/// runtime. On failure `error` says what went wrong.
LogicalResult linkSharedLibrary(StringRef objectPath, StringRef libraryPath,
                                std::string &error, bool openmp = true);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_TARGET_HOST_HOSTTARGET_H
