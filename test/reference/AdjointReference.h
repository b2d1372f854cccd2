//===- AdjointReference.h - plain C++ references of the adjoint ops -------===//
//
// The backward-pass primitives (SieveAdjointOps.td) as their descriptions
// state them, in double precision, with zero inits. The regularisers'
// adjoints are checked against finite differences of Reference.h instead.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_TEST_REFERENCE_ADJOINTREFERENCE_H
#define SIEVE_TEST_REFERENCE_ADJOINTREFERENCE_H

#include "test/reference/Reference.h"

namespace sieve::reference {

/// sieve.select_grad: scores n x c, indices and grad n x k, keep n x c or
/// empty.
Vec selectGrad(const Vec &scores, const IVec &indices, const Vec &grad,
               const std::vector<uint8_t> &keep, int64_t n, int64_t c,
               int64_t k, bool renormalize);
/// sieve.product_key_grad: grad and indices n x h x k; returns (da, db),
/// each n x h x s.
std::pair<Vec, Vec> productKeyGrad(const Vec &grad, const IVec &indices,
                                   int64_t n, int64_t h, int64_t k, int64_t s);
/// sieve.gather_dot: grad n x d, indices n x j, table v x d -> n x j.
Vec gatherDot(const Vec &grad, const IVec &indices, const Vec &table, int64_t n,
              int64_t j, int64_t d);
/// sieve.scatter_sum: weights, indices n x j, grad n x d -> v x d.
Vec scatterSum(const Vec &weights, const IVec &indices, const Vec &grad,
               int64_t n, int64_t j, int64_t d, int64_t v);
/// sieve.pair_dot: rows of width `width` -> tokens x k.
Vec pairDot(const Vec &lhs, const Vec &rhs, const Dispatch &d, int64_t k,
            int64_t width, bool lhsSorted, bool rhsSorted);
/// sieve.scale_rows.
Vec scaleRows(const Vec &input, const Vec &scale, const Dispatch &d, int64_t k,
              int64_t width, bool inputSorted, bool outputSorted);

} // namespace sieve::reference

#endif // SIEVE_TEST_REFERENCE_ADJOINTREFERENCE_H
