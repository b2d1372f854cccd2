//===- KernelCache.h - the content-addressed on-disk kernel cache ---------===//
//
// As Triton caches compiled kernels: an entry per key, the key a SHA-256 of
// everything that changes the output (the compiler build, the IR, the
// target and CPU features, the options). Entries are built in a staging
// directory and published by an atomic rename; every file of an entry is
// checked against SHA-256 sums recorded in it, so a truncated or corrupted
// entry is detected, removed and rebuilt, never loaded.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_CACHE_KERNELCACHE_H
#define SIEVE_COMPILER_CACHE_KERNELCACHE_H

#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace mlir::sieve {

/// Hex SHA-256 of `data`.
std::string sha256Hex(StringRef data);
/// Hex SHA-256 of a file's contents, or nullopt when it cannot be read.
std::optional<std::string> sha256OfFile(StringRef path);

class KernelCache {
public:
  /// The entry file listing the SHA-256 of every other file of the entry.
  static constexpr const char *kChecksumFile = "checksums.sha256";

  /// $SIEVE_CACHE_DIR, else $XDG_CACHE_HOME/sieve, else ~/.cache/sieve.
  static std::string defaultDirectory();

  explicit KernelCache(std::string root) : root(std::move(root)) {}
  const std::string &directory() const { return root; }

  /// The entry directory of `key` (whether or not it exists).
  std::string entryDirectory(StringRef key) const;

  /// The directory of the intact entry for `key`, or nullopt. An entry that
  /// is incomplete or whose checksums do not match is removed, and `note`
  /// says why.
  std::optional<std::string> lookup(StringRef key, std::string &note) const;

  /// A new, empty staging directory inside the cache.
  FailureOr<std::string> makeStagingDirectory(std::string &error) const;

  /// Records the checksums of the files in `staged`, then publishes it as
  /// the entry of `key` by renaming it. If another process published the
  /// key first, its entry is kept and `staged` removed. Returns the entry
  /// directory.
  FailureOr<std::string> publish(StringRef key, StringRef staged,
                                 std::string &error) const;

private:
  std::string root;
};

/// Copies every file of directory `from` into directory `to` (created if
/// needed), each through a temporary file and a rename.
LogicalResult copyDirectoryFiles(StringRef from, StringRef to,
                                 std::string &error);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CACHE_KERNELCACHE_H
