//===- Manifest.h - the manifest of a kernel bundle -----------------------===//
//
// A bundle is a directory with the compiled kernels (a shared library for
// the host) and manifest.json, which tells the runtime everything it needs
// without MLIR: the format version, the target, the library and its
// SHA-256, every entry point's symbol and arguments (and, in GPU bundles,
// the symbol and tiles of each of its variants), and the tunables the
// default kernels were generated with.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_BUNDLE_MANIFEST_H
#define SIEVE_COMPILER_BUNDLE_MANIFEST_H

#include "compiler/Bundle/Signature.h"

#include <string>
#include <vector>

namespace mlir::sieve {

/// The manifest's format version; the runtime refuses others.
constexpr int kBundleFormatVersion = 1;
/// File names inside a bundle directory.
constexpr const char *kManifestFile = "manifest.json";
constexpr const char *kHostLibraryFile = "kernels.so";

struct BundleManifest {
  std::string targetName; // "host", "sm_80", "sm_90a"
  std::string targetDescription;
  std::string library;       // file name inside the bundle
  std::string librarySha256; // hex
  std::string cacheKey;      // hex
  std::string source;        // the compiled file, for people
  std::vector<EntryPoint> entryPoints;
  /// The values the kernels were generated with (tile and block sizes).
  std::vector<std::pair<std::string, int64_t>> tunables;
  /// GPU targets: the PTX of each kernel module, as files in the bundle
  /// (the library embeds the same text and loads it).
  std::vector<std::string> ptxFiles;
};

/// The manifest as JSON text.
std::string renderManifest(const BundleManifest &manifest);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_BUNDLE_MANIFEST_H
