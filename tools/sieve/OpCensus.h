//===- OpCensus.h - count the ops of a module by kind ---------------------===//

#ifndef SIEVE_TOOLS_SIEVE_OPCENSUS_H
#define SIEVE_TOOLS_SIEVE_OPCENSUS_H

#include "mlir/IR/BuiltinOps.h"

#include <map>
#include <string>

namespace mlir::sieve::driver {

/// Ops of a module grouped as "sieve layers", "sieve primitives" and one
/// group per other dialect; each group maps op names to counts.
struct OpCensus {
  std::map<std::string, std::map<std::string, int>> groups;

  static OpCensus of(mlir::ModuleOp module);
  /// One line per group, each starting with `prefix`:
  ///   "<prefix>  sieve primitives  12  (cvmm 4, dispatch 2)".
  std::string format(const std::string &prefix = "") const;
  int count(const std::string &group) const;
};

} // namespace mlir::sieve::driver

#endif // SIEVE_TOOLS_SIEVE_OPCENSUS_H
