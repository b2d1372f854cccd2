//===- DenseOps.h - the dense layers' operations on a device --------------===//
//
// GPU training runs the language model as a program of device operations:
// GEMMs and the dense kernels (models/lm/Cuda/DenseKernels.cu) on device
// memory. The program is written once against this interface, which two
// backends implement: CudaDenseOps (cuBLAS and the NVRTC kernels) and
// HostDenseOps (plain loops on host memory, the same index arithmetic).
// On the host backend the program is checked here, without a GPU, against
// the host model (models/lm/Ops.h, RelativeAttention.h); on a GPU the CUDA
// backend is checked against the host backend, operation by operation.
//
// Addresses are device addresses (host pointers on the host backend);
// every operation is enqueued in order, and those that return a number
// wait for it.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_DEVICE_DENSEOPS_H
#define SIEVE_MODELS_LM_DEVICE_DENSEOPS_H

#include "runtime/Bundle/Bundle.h"
#include "runtime/Bundle/EntryCall.h"
#include "runtime/Core/DType.h"
#include "runtime/Cuda/Cublas.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace sieve::lm::device {

using Address = uint64_t;
using runtime::cuda::RowMajorGemm;

/// Device memory for `count` elements of a type; zero-filled when made,
/// released when destroyed.
class Buffer {
public:
  virtual ~Buffer() = default;
  virtual Address address() const = 0;
  runtime::DType dtype() const { return dtype_; }
  int64_t count() const { return count_; }
  /// The address of element `index`.
  Address at(int64_t index) const {
    return address() + index * runtime::byteSize(dtype_);
  }

protected:
  Buffer(runtime::DType dtype, int64_t count) : dtype_(dtype), count_(count) {}

private:
  runtime::DType dtype_;
  int64_t count_;
};

/// Where each distinct token of a segment occurs (the embedding's
/// backward): positions grouped by token, ascending within a group;
/// starts has ids.size() + 1 bounds.
struct TokenGroups {
  std::vector<int32_t> ids, starts, positions;
};
TokenGroups groupTokenPositions(const int32_t *tokens, int64_t n);

/// The score rows of relative attention: heads x batch x tokens rows of
/// `keys` (= memory + tokens) scores, scaled by `scale`, with attention
/// dropout drawn from (seed, stream) at index ((b H + h) T + i) S + j.
struct AttentionRows {
  int64_t heads, batch, tokens, keys, memory;
  float scale;
  double dropout;
  uint64_t seed, stream;
};

class DenseOps {
public:
  virtual ~DenseOps() = default;

  virtual std::unique_ptr<Buffer> allocate(runtime::DType dtype,
                                           int64_t count) = 0;
  virtual void copyIn(Address to, const void *from, size_t bytes) = 0;
  /// Waits for the operations before it.
  virtual void copyOut(void *to, Address from, size_t bytes) = 0;
  /// Device-to-device copy.
  virtual void copy(Address to, Address from, size_t bytes) = 0;
  /// Sets `bytes` bytes at `to` to zero.
  virtual void zero(Address to, size_t bytes) = 0;

  /// C = op(A) op(B) + beta C (RowMajorGemm's layout); A and B of `input`
  /// type, C of `output` type, sums in f32.
  virtual void gemm(const RowMajorGemm &gemm, runtime::DType input,
                    runtime::DType output, Address a, Address b, Address c,
                    float beta) = 0;

  // Elementwise (n elements).
  virtual void add(Address y, Address x, int64_t n) = 0;
  /// out (n x m) = bias in every row.
  virtual void broadcastRows(Address out, Address bias, int64_t n,
                             int64_t m) = 0;
  virtual void toBf16(Address out, Address in, int64_t n) = 0;
  virtual void fromBf16(Address out, Address in, int64_t n) = 0;
  virtual void accumulateBf16(Address out, Address in, int64_t n) = 0;
  /// Inverted dropout with drop probability p, Ops.h's mask.
  virtual void dropoutForward(Address out, Address x, int64_t n, double p,
                              uint64_t seed, uint64_t stream) = 0;
  /// dx += the mask applied to dout.
  virtual void dropoutBackward(Address dx, Address dout, int64_t n, double p,
                               uint64_t seed, uint64_t stream) = 0;

  virtual void embeddingForward(Address out, Address tokens, Address table,
                                int64_t n, int64_t c) = 0;
  virtual void embeddingBackward(Address dtable, Address dout,
                                 const TokenGroups &groups, int64_t c) = 0;
  /// out[j] += the sum of the n rows of in (n x m).
  virtual void addColumnSums(Address out, Address in, int64_t n, int64_t m) = 0;

  virtual void layerNormForward(Address out, Address mean, Address rstd,
                                Address x, Address g, Address b, int64_t n,
                                int64_t c) = 0;
  /// dx, dg and db accumulate.
  virtual void layerNormBackward(Address dx, Address dg, Address db,
                                 Address dout, Address x, Address mean,
                                 Address rstd, Address g, int64_t n,
                                 int64_t c) = 0;

  /// Writes probs; returns the summed loss in nats.
  virtual double crossEntropyForward(Address probs, Address logits,
                                     Address targets, int64_t n,
                                     int64_t vocab) = 0;
  /// dlogits = scale (probs - onehot(targets)).
  virtual void crossEntropyBackward(Address dlogits, Address probs,
                                    Address targets, int64_t n, int64_t vocab,
                                    float scale) = 0;

  /// out (H, B, rows, dh) = rows [first, first + rows) of each stream of
  /// in (B, inRows, H dh).
  virtual void splitHeads(Address out, Address in, int64_t heads, int64_t batch,
                          int64_t rows, int64_t headSize, int64_t first,
                          int64_t inRows) = 0;
  /// out (B, rows, H dh) = in (H, B, rows, dh).
  virtual void mergeHeads(Address out, Address in, int64_t heads, int64_t batch,
                          int64_t rows, int64_t headSize) = 0;
  /// qu = q + u[h], qv = q + v[h] for q (H, B, T, dh).
  virtual void headBias(Address qu, Address qv, Address q, Address u, Address v,
                        int64_t heads, int64_t batch, int64_t tokens,
                        int64_t headSize) = 0;
  /// du[h] += the sum over (b, i) of dq[h, b, i].
  virtual void headBiasGrad(Address du, Address dq, int64_t heads,
                            int64_t batchTokens, int64_t headSize) = 0;
  /// probs = the masked softmax of (AC[i, j] + G[i, i + M - j]) scale,
  /// dropped = probs with attention dropout.
  virtual void attentionSoftmax(Address probs, Address dropped, Address ac,
                                Address g, const AttentionRows &rows) = 0;
  /// From dp (the dropped probabilities' gradient) to dscore and dg (G's
  /// gradient in distance coordinates).
  virtual void attentionSoftmaxBackward(Address dscore, Address dg, Address dp,
                                        Address probs,
                                        const AttentionRows &rows) = 0;

  /// The sum of squares of g's n elements.
  virtual double sumSquares(Address g, int64_t n) = 0;
  /// Calls a compiled bundle's function (the feed-forward kernels) on
  /// tensors in this backend's memory: host bundles on the host backend,
  /// GPU bundles on a GPU's.
  virtual void callBundle(const runtime::Bundle &bundle,
                          const std::string &function,
                          const std::vector<runtime::TensorView> &inputs,
                          const std::vector<int64_t> &scalars,
                          const std::vector<runtime::TensorView> &outputs) = 0;

  /// One step of models/lm/Adam.cpp's update.
  virtual void adam(Address w, Address m, Address v, Address g, int64_t n,
                    float gradScale, float lr, float beta1, float beta2,
                    float epsilon, float correction1, float correction2) = 0;
};

} // namespace sieve::lm::device

#endif // SIEVE_MODELS_LM_DEVICE_DENSEOPS_H
