//===- VariantChoice.h - which tile variant runs a kernel -----------------===//
//
// A GPU bundle holds several tile variants of each function. What runs is
// the tuning database's choice for the key (device, kernel, token bucket)
// where there is one whose variant the bundle holds; otherwise the
// heuristic default, the bundle's first variant (the compiler's default
// tiles for the target). The deterministic mode runs only recorded
// choices, so that two runs execute the same kernels: a missing or stale
// entry is an error, not a silent fallback.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_TUNING_VARIANTCHOICE_H
#define SIEVE_RUNTIME_TUNING_VARIANTCHOICE_H

#include "runtime/Tuning/TuningDatabase.h"

#include <string>

namespace sieve::runtime {

struct VariantChoice {
  size_t variant = 0;
  /// Whether the database chose it (else the heuristic default).
  bool tuned = false;
  /// "tuned: 1x4x16x3x2 (0.82 ms)" or "default: 2x2x16x1x1 (no entry for
  /// ...)".
  std::string why;
};

/// The variant of `function` to run for `key`; `database` may be null.
/// Throws Error in `deterministic` mode where the database has no usable
/// choice.
VariantChoice chooseVariant(const FunctionSpec &function,
                            const TuningDatabase *database,
                            const TuningKey &key, bool deterministic);

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_TUNING_VARIANTCHOICE_H
