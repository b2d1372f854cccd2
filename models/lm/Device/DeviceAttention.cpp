//===- DeviceAttention.cpp - relative attention as device operations ------===//
//
// Per (head, stream) pair, with qu = q + u_h and qv = q + v_h (T x d_h):
//   AC = qu Kᵀ (T x S), G = qv Rᵀ (T x S in distance coordinates),
//   P = softmax((AC[i, j] + G[i, i + M - j]) / sqrt(d_h)) over j <= i + M,
//   P' = dropout(P), O = P' V.
// G is computed per head over all B streams' rows at once (R is shared).
//
//===----------------------------------------------------------------------===//

#include "models/lm/Device/DeviceAttention.h"

#include <cmath>
#include <tuple>

using namespace sieve;
using namespace sieve::lm;
using namespace sieve::lm::device;
using runtime::DType;

namespace {

/// A GEMM operand: its address, stored row length (0: dense), the step
/// between the batch's products (elements) and whether it is read
/// transposed.
struct Operand {
  Address address;
  int64_t ld = 0, stride = 0;
  bool transposed = false;
};

Operand transposed(Operand operand) {
  operand.transposed = true;
  return operand;
}

/// C = op(A) op(B) (+ C when accumulating), `batch` products of m x n
/// over k, all f32.
void product(DenseOps &ops, int64_t batch, int64_t m, int64_t n, int64_t k,
             const Operand &a, const Operand &b, const Operand &c,
             bool accumulate = false) {
  RowMajorGemm gemm;
  gemm.m = m;
  gemm.n = n;
  gemm.k = k;
  gemm.transposeA = a.transposed;
  gemm.transposeB = b.transposed;
  gemm.lda = a.ld;
  gemm.ldb = b.ld;
  gemm.ldc = c.ld;
  gemm.batch = batch;
  gemm.strideA = a.stride;
  gemm.strideB = b.stride;
  gemm.strideC = c.stride;
  ops.gemm(gemm, DType::F32, DType::F32, a.address, b.address, c.address,
           accumulate ? 1.0f : 0.0f);
}

Address offset(Address base, int64_t elements) {
  return base + elements * sizeof(float);
}

AttentionRows rowsOf(const AttentionShape &s, double dropout, uint64_t seed,
                     uint64_t stream) {
  return {s.heads,  s.batch,  s.tokens,
          s.keys(), s.memory, 1.0f / std::sqrt(static_cast<float>(s.headSize)),
          dropout,  seed,     stream};
}

} // namespace

void sieve::lm::device::attentionForward(
    DenseOps &ops, Address out, Address a, Address positions,
    const AttentionWeights &w, const AttentionShape &s, double dropout,
    uint64_t seed, uint64_t stream, AttentionCache &cache) {
  const int64_t B = s.batch, T = s.tokens, M = s.memory, S = s.keys(),
                D = s.dModel, H = s.heads, dh = s.headSize, HD = s.width();
  auto buffer = [&](int64_t count) { return ops.allocate(DType::F32, count); };

  // Projections: the queries from each stream's last T rows only.
  auto qRows = buffer(B * T * HD), kRows = buffer(B * S * HD),
       vRows = buffer(B * S * HD), rRows = buffer(S * HD);
  product(ops, B, T, HD, D, {offset(a, M * D), D, S * D}, {w.wq},
          {qRows->address(), 0, T * HD});
  product(ops, 1, B * S, HD, D, {a}, {w.wk}, {kRows->address()});
  product(ops, 1, B * S, HD, D, {a}, {w.wv}, {vRows->address()});
  product(ops, 1, S, HD, D, {positions}, {w.wr}, {rRows->address()});
  cache.q = buffer(H * B * T * dh);
  cache.k = buffer(H * B * S * dh);
  cache.v = buffer(H * B * S * dh);
  cache.r = buffer(H * S * dh);
  ops.splitHeads(cache.q->address(), qRows->address(), H, B, T, dh, 0, T);
  ops.splitHeads(cache.k->address(), kRows->address(), H, B, S, dh, 0, S);
  ops.splitHeads(cache.v->address(), vRows->address(), H, B, S, dh, 0, S);
  ops.splitHeads(cache.r->address(), rRows->address(), H, 1, S, dh, 0, S);

  auto qu = buffer(H * B * T * dh), qv = buffer(H * B * T * dh);
  ops.headBias(qu->address(), qv->address(), cache.q->address(), w.u, w.v, H, B,
               T, dh);
  auto ac = buffer(H * B * T * S), g = buffer(H * B * T * S);
  product(ops, H * B, T, S, dh, {qu->address(), 0, T * dh},
          transposed({cache.k->address(), 0, S * dh}),
          {ac->address(), 0, T * S});
  product(ops, H, B * T, S, dh, {qv->address(), 0, B * T * dh},
          transposed({cache.r->address(), 0, S * dh}),
          {g->address(), 0, B * T * S});
  cache.probs = buffer(H * B * T * S);
  cache.dropped = buffer(H * B * T * S);
  ops.attentionSoftmax(cache.probs->address(), cache.dropped->address(),
                       ac->address(), g->address(),
                       rowsOf(s, dropout, seed, stream));

  auto o = buffer(H * B * T * dh);
  product(ops, H * B, T, dh, S, {cache.dropped->address(), 0, T * S},
          {cache.v->address(), 0, S * dh}, {o->address(), 0, T * dh});
  cache.heads = buffer(B * T * HD);
  ops.mergeHeads(cache.heads->address(), o->address(), H, B, T, dh);
  product(ops, 1, B * T, D, HD, {cache.heads->address()}, {w.wo}, {out});
}

void sieve::lm::device::attentionBackward(
    DenseOps &ops, Address da, const AttentionWeights &grads, Address dout,
    Address a, Address positions, const AttentionWeights &w,
    const AttentionShape &s, double dropout, uint64_t seed, uint64_t stream,
    const AttentionCache &cache) {
  const int64_t B = s.batch, T = s.tokens, M = s.memory, S = s.keys(),
                D = s.dModel, H = s.heads, dh = s.headSize, HD = s.width();
  auto buffer = [&](int64_t count) { return ops.allocate(DType::F32, count); };

  // out = heads Wo.
  auto dheads = buffer(B * T * HD);
  product(ops, 1, B * T, HD, D, {dout}, transposed({w.wo}),
          {dheads->address()});
  product(ops, 1, HD, D, B * T, transposed({cache.heads->address()}), {dout},
          {grads.wo}, true);
  auto dO = buffer(H * B * T * dh);
  ops.splitHeads(dO->address(), dheads->address(), H, B, T, dh, 0, T);

  // O = P' V: dP' = dO Vᵀ, dV = P'ᵀ dO.
  auto dp = buffer(H * B * T * S), dv = buffer(H * B * S * dh);
  product(ops, H * B, T, S, dh, {dO->address(), 0, T * dh},
          transposed({cache.v->address(), 0, S * dh}),
          {dp->address(), 0, T * S});
  product(ops, H * B, S, dh, T,
          transposed({cache.dropped->address(), 0, T * S}),
          {dO->address(), 0, T * dh}, {dv->address(), 0, S * dh});

  // Through dropout and the softmax to AC's and G's gradients.
  auto dscore = buffer(H * B * T * S), dg = buffer(H * B * T * S);
  ops.attentionSoftmaxBackward(dscore->address(), dg->address(), dp->address(),
                               cache.probs->address(),
                               rowsOf(s, dropout, seed, stream));

  // AC = qu Kᵀ and G = qv Rᵀ (per head over all streams).
  auto qu = buffer(H * B * T * dh), qv = buffer(H * B * T * dh);
  ops.headBias(qu->address(), qv->address(), cache.q->address(), w.u, w.v, H, B,
               T, dh);
  auto dq = buffer(H * B * T * dh), dqv = buffer(H * B * T * dh),
       dk = buffer(H * B * S * dh), dr = buffer(H * S * dh);
  product(ops, H * B, T, dh, S, {dscore->address(), 0, T * S},
          {cache.k->address(), 0, S * dh}, {dq->address(), 0, T * dh});
  product(ops, H * B, S, dh, T, transposed({dscore->address(), 0, T * S}),
          {qu->address(), 0, T * dh}, {dk->address(), 0, S * dh});
  product(ops, H, B * T, dh, S, {dg->address(), 0, B * T * S},
          {cache.r->address(), 0, S * dh}, {dqv->address(), 0, B * T * dh});
  product(ops, H, S, dh, B * T, transposed({dg->address(), 0, B * T * S}),
          {qv->address(), 0, B * T * dh}, {dr->address(), 0, S * dh});
  ops.headBiasGrad(grads.u, dq->address(), H, B * T, dh);
  ops.headBiasGrad(grads.v, dqv->address(), H, B * T, dh);
  ops.add(dq->address(), dqv->address(), H * B * T * dh);

  // Back to rows, then through the projections.
  auto dqRows = buffer(B * T * HD), dkRows = buffer(B * S * HD),
       dvRows = buffer(B * S * HD), drRows = buffer(S * HD);
  ops.mergeHeads(dqRows->address(), dq->address(), H, B, T, dh);
  ops.mergeHeads(dkRows->address(), dk->address(), H, B, S, dh);
  ops.mergeHeads(dvRows->address(), dv->address(), H, B, S, dh);
  ops.mergeHeads(drRows->address(), dr->address(), H, 1, S, dh);
  product(ops, B, T, D, HD, {dqRows->address(), 0, T * HD}, transposed({w.wq}),
          {offset(da, M * D), D, S * D}, true);
  for (int64_t b = 0; b < B; ++b) // in stream order, into one sum
    product(ops, 1, D, HD, T, transposed({offset(a, (b * S + M) * D), D}),
            {offset(dqRows->address(), b * T * HD)}, {grads.wq}, true);
  for (auto [rows, weight, grad] :
       {std::tuple{dkRows->address(), w.wk, grads.wk},
        std::tuple{dvRows->address(), w.wv, grads.wv}}) {
    product(ops, 1, B * S, D, HD, {rows}, transposed({weight}), {da}, true);
    product(ops, 1, D, HD, B * S, transposed({a}), {rows}, {grad}, true);
  }
  product(ops, 1, D, HD, S, transposed({positions}), {drRows->address()},
          {grads.wr}, true);
}
