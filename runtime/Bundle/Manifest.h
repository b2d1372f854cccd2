//===- Manifest.h - a bundle's manifest, as the runtime reads it ----------===//
//
// The runtime's view of manifest.json (written by compiler/Bundle/Manifest):
// the target, the library and its SHA-256, and every function's arguments in
// calling order. Parsing checks every field and says which one is wrong.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_BUNDLE_MANIFEST_H
#define SIEVE_RUNTIME_BUNDLE_MANIFEST_H

#include "runtime/Core/DType.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sieve::runtime {

/// The manifest format this runtime reads.
constexpr int kBundleFormatVersion = 1;

/// A dimension: `constant`, or `tokens` times the token count when > 0.
struct DimSpec {
  int64_t constant = 0;
  int64_t tokens = 0;
  std::string str() const;
};

enum class ArgKind { Input, Scalar, Output };

struct ArgSpec {
  std::string name;
  ArgKind kind = ArgKind::Input;
  DType dtype = DType::F32;
  std::vector<DimSpec> shape;
  std::string describe() const; // "f32[tokens x 512]"
  /// The sizes for `tokens` tokens.
  std::vector<int64_t> shapeFor(int64_t tokens) const;
};

/// A compiled variant of a function (GPU bundles): the same arguments,
/// kernels generated with other CVMM tiles.
struct VariantSpec {
  std::string symbol;
  /// The tile configuration, MxNxKxSxP (warps along rows and columns,
  /// k-tile, pipeline stages, weight-gradient split-K).
  std::string tiles;
};

struct FunctionSpec {
  std::string name;
  std::string symbol;
  std::vector<ArgSpec> args;
  /// Empty (one way to run it), or every variant, `symbol`'s first.
  std::vector<VariantSpec> variants;
  size_t count(ArgKind kind) const;
  /// How many ways there are to run it (at least 1).
  size_t variantCount() const { return variants.empty() ? 1 : variants.size(); }
  /// The variant whose tiles are `tiles`, or -1.
  int findVariant(const std::string &tiles) const;
};

struct Manifest {
  int version = 0;
  std::string targetName;
  std::string targetDescription;
  std::string library;
  std::string librarySha256;
  std::string cacheKey;
  std::string source;
  std::vector<FunctionSpec> functions;
  /// The tunables the kernels were generated with (name -> value); empty
  /// in bundles that record none.
  std::map<std::string, int64_t> tunables;

  /// Parses manifest JSON; `where` names it in errors.
  static Manifest parse(const std::string &json, const std::string &where);
  /// Reads and parses a manifest file.
  static Manifest read(const std::string &path);
};

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_BUNDLE_MANIFEST_H
