//===- Signature.h - what a bundle's entry points take and return ---------===//
//
// The runtime does not link MLIR, so the compiler describes every entry
// point in the bundle's manifest: its C symbol and its arguments in calling
// order — inputs, scalars, then the output buffers the caller provides —
// with element types and shapes. A dynamic dimension is a multiple of the
// token count, the one size known only at run time.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_BUNDLE_SIGNATURE_H
#define SIEVE_COMPILER_BUNDLE_SIGNATURE_H

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace mlir::sieve {

/// A dimension: `constant`, or `tokens` times the token count when
/// `tokens` > 0.
struct SymbolicDim {
  int64_t constant = 0;
  int64_t tokens = 0;

  /// "512", "tokens" or "4*tokens".
  std::string str() const;
  bool operator==(const SymbolicDim &other) const {
    return constant == other.constant && tokens == other.tokens;
  }
};

enum class ArgumentKind { Input, Scalar, Output };

struct BundleArgument {
  std::string name;
  ArgumentKind kind;
  /// "f32", "f16", "bf16", "i32", "i1", "i64".
  std::string dtype;
  std::vector<SymbolicDim> shape;
};

/// One compiled variant of an entry point: the same arguments, kernels
/// generated with other tiles (GPU bundles; see
/// sieve-expand-gpu-tile-variants).
struct EntryVariant {
  std::string symbol;
  /// The CVMM tile configuration, MxNxKxSxP.
  std::string tiles;
};

struct EntryPoint {
  std::string name;
  std::string symbol;
  std::vector<BundleArgument> arguments;
  /// Empty, or every variant with the entry point's own symbol first.
  std::vector<EntryVariant> variants;
};

/// Describes every public function of `module`, which must be at the tensor
/// level (the "primitives" stage). Result sizes are traced back to argument
/// sizes by value-bounds analysis. Emits an error naming the function and
/// argument it cannot describe.
FailureOr<std::vector<EntryPoint>> describeEntryPoints(ModuleOp module);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_BUNDLE_SIGNATURE_H
