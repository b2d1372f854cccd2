//===- HostDenseOps.h - the device operations as plain loops on the host --===//
//
// The reference backend of DenseOps: every operation a plain loop over
// host memory (addresses are pointers), with the CUDA kernels' index
// arithmetic and semantics but sums in order, in double where the host
// model sums in double. It needs nothing but the runtime, so the GPU node
// builds it to check the CUDA backend against.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_DEVICE_HOSTDENSEOPS_H
#define SIEVE_MODELS_LM_DEVICE_HOSTDENSEOPS_H

#include "models/lm/Device/DenseOps.h"
#include "runtime/Host/Executor.h"

namespace sieve::lm::device {

class HostDenseOps final : public DenseOps {
public:
  std::unique_ptr<Buffer> allocate(runtime::DType dtype,
                                   int64_t count) override;
  void copyIn(Address to, const void *from, size_t bytes) override;
  void copyOut(void *to, Address from, size_t bytes) override;
  void copy(Address to, Address from, size_t bytes) override;
  void zero(Address to, size_t bytes) override;
  void gemm(const RowMajorGemm &gemm, runtime::DType input,
            runtime::DType output, Address a, Address b, Address c,
            float beta) override;

  void add(Address y, Address x, int64_t n) override;
  void broadcastRows(Address out, Address bias, int64_t n, int64_t m) override;
  void toBf16(Address out, Address in, int64_t n) override;
  void fromBf16(Address out, Address in, int64_t n) override;
  void accumulateBf16(Address out, Address in, int64_t n) override;
  void dropoutForward(Address out, Address x, int64_t n, double p,
                      uint64_t seed, uint64_t stream) override;
  void dropoutBackward(Address dx, Address dout, int64_t n, double p,
                       uint64_t seed, uint64_t stream) override;
  void embeddingForward(Address out, Address tokens, Address table, int64_t n,
                        int64_t c) override;
  void embeddingBackward(Address dtable, Address dout,
                         const TokenGroups &groups, int64_t c) override;
  void addColumnSums(Address out, Address in, int64_t n, int64_t m) override;
  void layerNormForward(Address out, Address mean, Address rstd, Address x,
                        Address g, Address b, int64_t n, int64_t c) override;
  void layerNormBackward(Address dx, Address dg, Address db, Address dout,
                         Address x, Address mean, Address rstd, Address g,
                         int64_t n, int64_t c) override;
  double crossEntropyForward(Address probs, Address logits, Address targets,
                             int64_t n, int64_t vocab) override;
  void crossEntropyBackward(Address dlogits, Address probs, Address targets,
                            int64_t n, int64_t vocab, float scale) override;
  void splitHeads(Address out, Address in, int64_t heads, int64_t batch,
                  int64_t rows, int64_t headSize, int64_t first,
                  int64_t inRows) override;
  void mergeHeads(Address out, Address in, int64_t heads, int64_t batch,
                  int64_t rows, int64_t headSize) override;
  void headBias(Address qu, Address qv, Address q, Address u, Address v,
                int64_t heads, int64_t batch, int64_t tokens,
                int64_t headSize) override;
  void headBiasGrad(Address du, Address dq, int64_t heads, int64_t batchTokens,
                    int64_t headSize) override;
  void attentionSoftmax(Address probs, Address dropped, Address ac, Address g,
                        const AttentionRows &rows) override;
  void attentionSoftmaxBackward(Address dscore, Address dg, Address dp,
                                Address probs,
                                const AttentionRows &rows) override;
  double sumSquares(Address g, int64_t n) override;
  void callBundle(const runtime::Bundle &bundle, const std::string &function,
                  const std::vector<runtime::TensorView> &inputs,
                  const std::vector<int64_t> &scalars,
                  const std::vector<runtime::TensorView> &outputs) override;
  void adam(Address w, Address m, Address v, Address g, int64_t n,
            float gradScale, float lr, float beta1, float beta2, float epsilon,
            float correction1, float correction2) override;

private:
  runtime::HostExecutor executor_;
};

} // namespace sieve::lm::device

#endif // SIEVE_MODELS_LM_DEVICE_HOSTDENSEOPS_H
