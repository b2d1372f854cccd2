//===- GroupingVerifier.h - shapes of the sorted-pair operands ------------===//
//
// CVMM and the ops of its backward pass address rows through the dispatch's
// sorted (token, slot) pairs. They share one derivation of the token, pair
// and expert counts from whichever operands are static, and one set of
// messages.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_DIALECTS_SIEVE_IR_GROUPINGVERIFIER_H
#define SIEVE_DIALECTS_SIEVE_IR_GROUPINGVERIFIER_H

#include "dialects/Sieve/IR/SieveOps.h"
#include "dialects/Sieve/IR/VerifyUtils.h"

namespace mlir::sieve::verify {

/// `numerator / k` when both are known, else kDynamic.
int64_t divDims(int64_t numerator, int64_t k);

/// Expected rows of a row-addressed operand: one per token or per pair.
Dim rowsOf(RowOrder order, int64_t tokens, int64_t pairs);

/// The routing dimensions of a CVMM-like op.
struct Grouping {
  int64_t experts, pairs, tokens;
};

/// Derives and checks the routing operands of a CVMM-like op: `sorted_pairs`
/// (tokens * k), `offsets` (num_experts + 1) and `scale` (tokens x k; may be
/// null). `rowsAndOrders` are the row-addressed operands whose row count
/// fixes the number of pairs or tokens when sorted_pairs is dynamic.
FailureOr<Grouping>
verifyGrouping(Operation *op, int64_t k, int64_t expertsHint, Value pairs,
               Value offsets, Value scale,
               ArrayRef<std::pair<Value, RowOrder>> rowsAndOrders);

} // namespace mlir::sieve::verify

#endif // SIEVE_DIALECTS_SIEVE_IR_GROUPINGVERIFIER_H
