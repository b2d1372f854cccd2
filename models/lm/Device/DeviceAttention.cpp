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

/// A GEMM operand: its values, stored row length (0: dense), the step
/// between the batch's products (elements) and whether it is read
/// transposed.
struct Operand {
  GemmValues values;
  int64_t ld = 0, stride = 0;
  bool transposed = false;
};

Operand f32(Address address, int64_t ld = 0, int64_t stride = 0) {
  return {f32Values(address), ld, stride};
}
Operand of(const PreparedValues &prepared, int64_t ld = 0, int64_t stride = 0) {
  return {prepared.values, ld, stride};
}

Operand transposed(Operand operand) {
  operand.transposed = true;
  return operand;
}

/// C = op(A) op(B) (+ C when accumulating), `batch` products of m x n
/// over k; C is f32.
void product(const Matmul &matmul, int64_t batch, int64_t m, int64_t n,
             int64_t k, const Operand &a, const Operand &b, const Operand &c,
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
  matmul(gemm, a.values, b.values, c.values.address, accumulate ? 1.0f : 0.0f);
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
    const Matmul &matmul, Address out, Address a, Address positions,
    const AttentionWeights &w, const AttentionShape &s, double dropout,
    uint64_t seed, uint64_t stream, AttentionCache &cache) {
  DenseOps &ops = matmul.ops();
  const int64_t B = s.batch, T = s.tokens, M = s.memory, S = s.keys(),
                D = s.dModel, H = s.heads, dh = s.headSize, HD = s.width();
  auto buffer = [&](int64_t count) { return ops.allocate(DType::F32, count); };

  // Projections: the queries from each stream's last T rows only.
  cache.a = matmul.prepare(a, B * S * D);
  auto qRows = buffer(B * T * HD), kRows = buffer(B * S * HD),
       vRows = buffer(B * S * HD), rRows = buffer(S * HD);
  product(matmul, B, T, HD, D, {cache.a.values.at(M * D), D, S * D}, f32(w.wq),
          f32(qRows->address(), 0, T * HD));
  product(matmul, 1, B * S, HD, D, of(cache.a), f32(w.wk),
          f32(kRows->address()));
  product(matmul, 1, B * S, HD, D, of(cache.a), f32(w.wv),
          f32(vRows->address()));
  product(matmul, 1, S, HD, D, f32(positions), f32(w.wr),
          f32(rRows->address()));
  cache.q = buffer(H * B * T * dh);
  auto k = buffer(H * B * S * dh), v = buffer(H * B * S * dh),
       r = buffer(H * S * dh);
  ops.splitHeads(cache.q->address(), qRows->address(), H, B, T, dh, 0, T);
  ops.splitHeads(k->address(), kRows->address(), H, B, S, dh, 0, S);
  ops.splitHeads(v->address(), vRows->address(), H, B, S, dh, 0, S);
  ops.splitHeads(r->address(), rRows->address(), H, 1, S, dh, 0, S);
  cache.k = matmul.keep(std::move(k));
  cache.v = matmul.keep(std::move(v));
  cache.r = matmul.keep(std::move(r));

  auto qu = buffer(H * B * T * dh), qv = buffer(H * B * T * dh);
  ops.headBias(qu->address(), qv->address(), cache.q->address(), w.u, w.v, H, B,
               T, dh);
  auto ac = buffer(H * B * T * S), g = buffer(H * B * T * S);
  product(matmul, H * B, T, S, dh, f32(qu->address(), 0, T * dh),
          transposed(of(cache.k, 0, S * dh)), f32(ac->address(), 0, T * S));
  product(matmul, H, B * T, S, dh, f32(qv->address(), 0, B * T * dh),
          transposed(of(cache.r, 0, S * dh)), f32(g->address(), 0, B * T * S));
  cache.probs = buffer(H * B * T * S);
  auto dropped = buffer(H * B * T * S);
  ops.attentionSoftmax(cache.probs->address(), dropped->address(),
                       ac->address(), g->address(),
                       rowsOf(s, dropout, seed, stream));
  cache.dropped = matmul.keep(std::move(dropped));

  auto o = buffer(H * B * T * dh);
  product(matmul, H * B, T, dh, S, of(cache.dropped, 0, T * S),
          of(cache.v, 0, S * dh), f32(o->address(), 0, T * dh));
  auto heads = buffer(B * T * HD);
  ops.mergeHeads(heads->address(), o->address(), H, B, T, dh);
  cache.heads = matmul.keep(std::move(heads));
  product(matmul, 1, B * T, D, HD, of(cache.heads), f32(w.wo), f32(out));
}

void sieve::lm::device::attentionBackward(
    const Matmul &matmul, Address da, const AttentionWeights &grads,
    Address dout, Address positions, const AttentionWeights &w,
    const AttentionShape &s, double dropout, uint64_t seed, uint64_t stream,
    const AttentionCache &cache) {
  DenseOps &ops = matmul.ops();
  const int64_t B = s.batch, T = s.tokens, M = s.memory, S = s.keys(),
                D = s.dModel, H = s.heads, dh = s.headSize, HD = s.width();
  auto buffer = [&](int64_t count) { return ops.allocate(DType::F32, count); };

  // out = heads Wo.
  PreparedValues doutValues = matmul.prepare(dout, B * T * D);
  auto dheads = buffer(B * T * HD);
  product(matmul, 1, B * T, HD, D, of(doutValues), transposed(f32(w.wo)),
          f32(dheads->address()));
  product(matmul, 1, HD, D, B * T, transposed(of(cache.heads)), of(doutValues),
          f32(grads.wo), true);
  auto dOf32 = buffer(H * B * T * dh);
  ops.splitHeads(dOf32->address(), dheads->address(), H, B, T, dh, 0, T);
  PreparedValues dO = matmul.keep(std::move(dOf32));

  // O = P' V: dP' = dO Vᵀ, dV = P'ᵀ dO.
  auto dp = buffer(H * B * T * S), dv = buffer(H * B * S * dh);
  product(matmul, H * B, T, S, dh, of(dO, 0, T * dh),
          transposed(of(cache.v, 0, S * dh)), f32(dp->address(), 0, T * S));
  product(matmul, H * B, S, dh, T, transposed(of(cache.dropped, 0, T * S)),
          of(dO, 0, T * dh), f32(dv->address(), 0, S * dh));

  // Through dropout and the softmax to AC's and G's gradients.
  auto dscoreF32 = buffer(H * B * T * S), dgF32 = buffer(H * B * T * S);
  ops.attentionSoftmaxBackward(dscoreF32->address(), dgF32->address(),
                               dp->address(), cache.probs->address(),
                               rowsOf(s, dropout, seed, stream));
  PreparedValues dscore = matmul.keep(std::move(dscoreF32)),
                 dg = matmul.keep(std::move(dgF32));

  // AC = qu Kᵀ and G = qv Rᵀ (per head over all streams).
  auto qu = buffer(H * B * T * dh), qv = buffer(H * B * T * dh);
  ops.headBias(qu->address(), qv->address(), cache.q->address(), w.u, w.v, H, B,
               T, dh);
  auto dq = buffer(H * B * T * dh), dqv = buffer(H * B * T * dh),
       dk = buffer(H * B * S * dh), dr = buffer(H * S * dh);
  product(matmul, H * B, T, dh, S, of(dscore, 0, T * S), of(cache.k, 0, S * dh),
          f32(dq->address(), 0, T * dh));
  product(matmul, H * B, S, dh, T, transposed(of(dscore, 0, T * S)),
          f32(qu->address(), 0, T * dh), f32(dk->address(), 0, S * dh));
  product(matmul, H, B * T, dh, S, of(dg, 0, B * T * S), of(cache.r, 0, S * dh),
          f32(dqv->address(), 0, B * T * dh));
  product(matmul, H, S, dh, B * T, transposed(of(dg, 0, B * T * S)),
          f32(qv->address(), 0, B * T * dh), f32(dr->address(), 0, S * dh));
  ops.headBiasGrad(grads.u, dq->address(), H, B * T, dh);
  ops.headBiasGrad(grads.v, dqv->address(), H, B * T, dh);
  ops.add(dq->address(), dqv->address(), H * B * T * dh);

  // Back to rows, then through the projections.
  auto dqF32 = buffer(B * T * HD), dkF32 = buffer(B * S * HD),
       dvF32 = buffer(B * S * HD), drF32 = buffer(S * HD);
  ops.mergeHeads(dqF32->address(), dq->address(), H, B, T, dh);
  ops.mergeHeads(dkF32->address(), dk->address(), H, B, S, dh);
  ops.mergeHeads(dvF32->address(), dv->address(), H, B, S, dh);
  ops.mergeHeads(drF32->address(), dr->address(), H, 1, S, dh);
  PreparedValues dqRows = matmul.keep(std::move(dqF32)),
                 dkRows = matmul.keep(std::move(dkF32)),
                 dvRows = matmul.keep(std::move(dvF32));
  product(matmul, B, T, D, HD, of(dqRows, 0, T * HD), transposed(f32(w.wq)),
          f32(offset(da, M * D), D, S * D), true);
  for (int64_t b = 0; b < B; ++b) // in stream order, into one sum
    product(matmul, 1, D, HD, T,
            transposed({cache.a.values.at((b * S + M) * D), D}),
            {dqRows.values.at(b * T * HD)}, f32(grads.wq), true);
  for (auto [rows, weight, grad] : {std::tuple{&dkRows, w.wk, grads.wk},
                                    std::tuple{&dvRows, w.wv, grads.wv}}) {
    product(matmul, 1, B * S, D, HD, of(*rows), transposed(f32(weight)),
            f32(da), true);
    product(matmul, 1, D, HD, B * S, transposed(of(cache.a)), of(*rows),
            f32(grad), true);
  }
  product(matmul, 1, D, HD, S, transposed(f32(positions)),
          f32(drF32->address()), f32(grads.wr), true);
}
