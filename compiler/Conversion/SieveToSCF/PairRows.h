//===- PairRows.h - addressing rows through the sorted pairs --------------===//
//
// CVMM and the primitives of its backward pass visit the routed sorted
// positions j of each expert and address an operand's row either by the
// pair's token (`token` rows) or by j itself (`sorted` rows).
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOSCF_PAIRROWS_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOSCF_PAIRROWS_H

#include "compiler/Conversion/SieveToSCF/LoopBuilder.h"

#include "dialects/Sieve/IR/SieveOps.h"

namespace mlir::sieve {

/// The (token, slot) of the pair at a sorted position.
struct PairRow {
  Value token, slot;
  /// Row of an operand addressed in `order`, at sorted position `j`.
  Value rowIn(RowOrder order, Value j) const {
    return order == RowOrder::Token ? token : j;
  }
};

/// The pair at sorted position `j`: p = sorted_pairs[j], (p / k, p mod k).
inline PairRow pairAt(LoopBuilder &b, Value sortedPairs, Value j, Value k) {
  Value p = b.loadIndex(sortedPairs, {j});
  return {b.divu(p, k), b.remu(p, k)};
}

/// Runs `body(b, e, j)` for every routed sorted position j of every expert e.
inline void
forEachRoutedRow(LoopBuilder &lb, Value offsets, Value numExperts,
                 function_ref<void(LoopBuilder &, Value, Value)> body) {
  lb.forEach(lb.index(0), numExperts, [&](LoopBuilder &eb, Value e) {
    Value begin = eb.loadIndex(offsets, {e});
    Value end = eb.loadIndex(offsets, {eb.add(e, eb.index(1))});
    eb.forEach(begin, end, [&](LoopBuilder &jb, Value j) { body(jb, e, j); });
  });
}

/// The number of routed pairs, offsets[N_E], of an `N_E + 1` offsets buffer.
inline Value routedPairs(LoopBuilder &b, Value offsets) {
  return b.loadIndex(offsets, {b.sub(b.dim(offsets, 0), b.index(1))});
}

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOSCF_PAIRROWS_H
