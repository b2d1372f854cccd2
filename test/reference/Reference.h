//===- Reference.h - plain C++ references of every op and layer -----------===//
//
// Straightforward implementations of the sieve ops' semantics, as their ODS
// descriptions state them, in double precision. They share no code with the
// compiler: the numerics tests check compiled kernels against them.
// Matrices are row-major std::vector<double>; shapes are passed alongside.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_TEST_REFERENCE_REFERENCE_H
#define SIEVE_TEST_REFERENCE_REFERENCE_H

#include <cstdint>
#include <vector>

namespace sieve::reference {

using Vec = std::vector<double>;
using IVec = std::vector<int32_t>;

/// y = x w: x is n x m, w is m x l.
Vec matmul(const Vec &x, const Vec &w, int64_t n, int64_t m, int64_t l);
Vec relu(Vec x);
Vec sigmoid(Vec x);
/// Softmax of every row of an n x c matrix.
Vec softmaxRows(const Vec &x, int64_t n, int64_t c);

struct TopK {
  Vec values;
  IVec indices;
};
/// The k largest of every row (n x c), descending, ties to the lower index.
TopK topk(const Vec &x, int64_t n, int64_t c, int64_t k);

struct Selection {
  IVec experts; // n x k
  Vec gates;    // n x k
};
/// sieve.select_experts: optional ranking and keep mask (empty = absent).
Selection selectExperts(const Vec &scores, const Vec &ranking,
                        const std::vector<uint8_t> &keep, int64_t n, int64_t e,
                        int64_t k, bool renormalize);
/// sieve.sinkhorn: the log assignment.
Vec sinkhorn(const Vec &logits, int64_t n, int64_t e, int64_t iterations);

struct Dispatch {
  IVec sortedPairs;
  IVec offsets;
};
/// sieve.dispatch of an n x k expert matrix.
Dispatch dispatch(const IVec &experts, int64_t n, int64_t k,
                  int64_t numExperts);

/// sieve.cvmm with an init of zeros (the result is the accumulated terms).
/// `input` has `inRows` rows of width m; weight is e x m x l (or e x l x m
/// when transposed); scale is tokens x k or empty.
struct CvmmArgs {
  const Vec *input, *weight, *scale;
  const Dispatch *dispatch;
  int64_t k, numExperts, m, l;
  bool inputSorted, outputSorted, transposed;
};
Vec cvmm(const CvmmArgs &args);
/// sieve.cvmm_weight_grad with zero init: e x m x l.
Vec cvmmWeightGrad(const Vec &input, const Vec &grad, const Vec &scale,
                   const Dispatch &dispatch, int64_t k, int64_t numExperts,
                   int64_t m, int64_t l, bool inputSorted, bool gradSorted);

/// sieve.product_key_topk for one (token, head): a and b have s entries.
TopK productKeyTopK(const Vec &a, const Vec &b, int64_t s, int64_t k);
/// sieve.gather_sum: weights/indices n x j, table v x d.
Vec gatherSum(const Vec &weights, const IVec &indices, const Vec &table,
              int64_t n, int64_t j, int64_t d);
double entropyReg(const Vec &logits, int64_t n, int64_t e, double weight);
double switchReg(const Vec &logits, const IVec &experts, int64_t n, int64_t e,
                 int64_t k, double weight);

struct Bucket {
  int64_t routingIds, experts, expertSize;
};
/// sieve.word_route: per bucket, n experts (or -1).
std::vector<IVec> wordRoute(const IVec &ids, int64_t numUnrouted,
                            const std::vector<Bucket> &buckets);

// Layers (Eq. numbers of the σ-MoE paper).
Vec denseFfn(const Vec &x, const Vec &w1, const Vec &w2, int64_t n, int64_t d,
             int64_t f);
Vec topkFfn(const Vec &x, const Vec &w1, const Vec &w2, int64_t n, int64_t d,
            int64_t f, int64_t k);
Vec pkmFfn(const Vec &x, const Vec &keysA, const Vec &keysB, const Vec &values,
           int64_t n, int64_t d, int64_t heads, int64_t subkeys, int64_t k,
           bool softmax);

enum class Gate { Sigmoid, Softmax, SoftmaxRenorm };
enum class Reg { None, Entropy, Switch };
struct MoeConfig {
  int64_t d, experts, size, k;
  Gate gate = Gate::Sigmoid;
  bool sinkhorn = false;
  int64_t sinkhornIterations = 3;
  Reg reg = Reg::None;
  double gamma = 0.0;
  bool train = false;
  /// Activation dropout p and its mask: one element per hidden unit of
  /// each (token, slot) pair in the order dispatch sorts the pairs
  /// ((tokens * k) x size); empty for none.
  double hiddenDropout = 0.0;
  std::vector<uint8_t> hiddenKeep = {};
};
struct MoeOutput {
  Vec y;
  double aux = 0.0;
};
/// moe_ffn; `keep` is the n x experts mask (empty: none).
MoeOutput moeFfn(const Vec &x, const Vec &w1, const Vec &w2, const Vec &w3,
                 const std::vector<uint8_t> &keep, int64_t n,
                 const MoeConfig &config);
Vec moweFfn(const Vec &x, const IVec &ids, const std::vector<Vec> &weights,
            int64_t n, int64_t d, int64_t numUnrouted,
            const std::vector<Bucket> &buckets);

} // namespace sieve::reference

#endif // SIEVE_TEST_REFERENCE_REFERENCE_H
