//===- CudaDenseOps.h - the device operations on a GPU --------------------===//
//
// DenseOps on an NVIDIA GPU: GEMMs by cuBLAS (row-major through
// runtime/Cuda/Cublas), everything else by the NVRTC-built kernels of
// DenseKernels.cu, all on one executor's stream and memory from its
// caching allocator.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_CUDA_CUDADENSEOPS_H
#define SIEVE_MODELS_LM_CUDA_CUDADENSEOPS_H

#include "models/lm/Cuda/DenseKernels.h"
#include "models/lm/Device/DenseOps.h"
#include "runtime/Tuning/VariantChoice.h"

#include <map>

namespace sieve::lm::cuda {

/// Which tile variant of a GPU bundle's function runs: the tuning
/// database's choice for the GPU, kernel and token bucket, else the
/// bundle's default; deterministic mode runs recorded choices only.
struct VariantPolicy {
  const runtime::TuningDatabase *database = nullptr;
  bool deterministic = false;
};

class CudaDenseOps final : public device::DenseOps {
public:
  /// On `executor`'s GPU, the kernels built through the NVRTC cache at
  /// `cacheDirectory`; f32 GEMMs exact (no tf32), bf16 ones on the tensor
  /// cores with f32 sums; bundle variants chosen by `policy`. Throws
  /// runtime::Error when cuBLAS or NVRTC cannot be loaded.
  CudaDenseOps(runtime::cuda::GpuExecutor &executor,
               const std::string &cacheDirectory, VariantPolicy policy = {});

  /// Each bundle function called so far with the variant it ran and why
  /// ("ffn0_moe_forward_train@4096: tuned: 1x4x16x3x2 (0.82 ms)").
  std::vector<std::string> variantChoices() const;

  std::unique_ptr<device::Buffer> allocate(runtime::DType dtype,
                                           int64_t count) override;
  void copyIn(device::Address to, const void *from, size_t bytes) override;
  void copyOut(void *to, device::Address from, size_t bytes) override;
  void copy(device::Address to, device::Address from, size_t bytes) override;
  void zero(device::Address to, size_t bytes) override;
  void gemm(const device::RowMajorGemm &gemm, runtime::DType input,
            runtime::DType output, device::Address a, device::Address b,
            device::Address c, float beta) override;

  void add(device::Address y, device::Address x, int64_t n) override {
    kernels_.add(y, x, n);
  }
  void broadcastRows(device::Address out, device::Address bias, int64_t n,
                     int64_t m) override {
    kernels_.broadcastRows(out, bias, n, m);
  }
  void toBf16(device::Address out, device::Address in, int64_t n) override {
    kernels_.toBf16(out, in, n);
  }
  void fromBf16(device::Address out, device::Address in, int64_t n) override {
    kernels_.fromBf16(out, in, n);
  }
  void accumulateBf16(device::Address out, device::Address in,
                      int64_t n) override {
    kernels_.accumulateBf16(out, in, n);
  }
  void dropoutForward(device::Address out, device::Address x, int64_t n,
                      double p, uint64_t seed, uint64_t stream) override {
    kernels_.dropoutForward(out, x, n, p, seed, stream);
  }
  void dropoutBackward(device::Address dx, device::Address dout, int64_t n,
                       double p, uint64_t seed, uint64_t stream) override {
    kernels_.dropoutBackward(dx, dout, n, p, seed, stream);
  }
  void embeddingForward(device::Address out, device::Address tokens,
                        device::Address table, int64_t n, int64_t c) override {
    kernels_.embeddingForward(out, tokens, table, n, c);
  }
  void embeddingBackward(device::Address dtable, device::Address dout,
                         const device::TokenGroups &groups,
                         int64_t c) override {
    kernels_.embeddingBackward(dtable, dout, groups, c);
  }
  void addColumnSums(device::Address out, device::Address in, int64_t n,
                     int64_t m) override {
    kernels_.addColumnSums(out, in, n, m);
  }
  void layerNormForward(device::Address out, device::Address mean,
                        device::Address rstd, device::Address x,
                        device::Address g, device::Address b, int64_t n,
                        int64_t c) override {
    kernels_.layerNormForward(out, mean, rstd, x, g, b, n, c);
  }
  void layerNormBackward(device::Address dx, device::Address dg,
                         device::Address db, device::Address dout,
                         device::Address x, device::Address mean,
                         device::Address rstd, device::Address g, int64_t n,
                         int64_t c) override {
    kernels_.layerNormBackward(dx, dg, db, dout, x, mean, rstd, g, n, c);
  }
  double crossEntropyForward(device::Address probs, device::Address logits,
                             device::Address targets, int64_t n,
                             int64_t vocab) override {
    return kernels_.crossEntropyForward(probs, logits, targets, n, vocab);
  }
  void crossEntropyBackward(device::Address dlogits, device::Address probs,
                            device::Address targets, int64_t n, int64_t vocab,
                            float scale) override {
    kernels_.crossEntropyBackward(dlogits, probs, targets, n, vocab, scale);
  }
  void splitHeads(device::Address out, device::Address in, int64_t heads,
                  int64_t batch, int64_t rows, int64_t headSize, int64_t first,
                  int64_t inRows) override {
    kernels_.splitHeads(out, in, heads, batch, rows, headSize, first, inRows);
  }
  void mergeHeads(device::Address out, device::Address in, int64_t heads,
                  int64_t batch, int64_t rows, int64_t headSize) override {
    kernels_.mergeHeads(out, in, heads, batch, rows, headSize);
  }
  void headBias(device::Address qu, device::Address qv, device::Address q,
                device::Address u, device::Address v, int64_t heads,
                int64_t batch, int64_t tokens, int64_t headSize) override {
    kernels_.headBias(qu, qv, q, u, v, heads, batch, tokens, headSize);
  }
  void headBiasGrad(device::Address du, device::Address dq, int64_t heads,
                    int64_t batchTokens, int64_t headSize) override {
    kernels_.headBiasGrad(du, dq, heads, batchTokens, headSize);
  }
  void attentionSoftmax(device::Address probs, device::Address dropped,
                        device::Address ac, device::Address g,
                        const device::AttentionRows &rows) override {
    kernels_.attentionSoftmax(probs, dropped, ac, g, rows);
  }
  void attentionSoftmaxBackward(device::Address dscore, device::Address dg,
                                device::Address dp, device::Address probs,
                                const device::AttentionRows &rows) override {
    kernels_.attentionSoftmaxBackward(dscore, dg, dp, probs, rows);
  }
  void callBundle(const runtime::Bundle &bundle, const std::string &function,
                  const std::vector<runtime::TensorView> &inputs,
                  const std::vector<int64_t> &scalars,
                  const std::vector<runtime::TensorView> &outputs) override;
  double sumSquares(device::Address g, int64_t n) override {
    return kernels_.sumSquares(g, n);
  }
  void adam(device::Address w, device::Address m, device::Address v,
            device::Address g, int64_t n, float gradScale, float lr,
            float beta1, float beta2, float epsilon, float correction1,
            float correction2) override {
    kernels_.adam(w, m, v, g, n, gradScale, lr, beta1, beta2, epsilon,
                  correction1, correction2);
  }

private:
  runtime::cuda::GpuExecutor &executor_;
  DenseKernels kernels_;
  std::unique_ptr<runtime::cuda::Cublas> cublas_;
  VariantPolicy policy_;
  runtime::DeviceIdentity identity_;
  // By bundle function and token bucket.
  std::map<std::string, runtime::VariantChoice> choices_;
};

/// GPU training's operations: the NVRTC cache and, unless `tuningDatabase`
/// names one, the tuning database where `sieve tune` writes it by default
/// (RoutingSupport::defaultCacheDirectory()). Throws runtime::Error.
struct TrainingOps {
  std::string databasePath;
  std::unique_ptr<runtime::TuningDatabase> database;
  std::unique_ptr<CudaDenseOps> ops;
};
TrainingOps createTrainingOps(runtime::cuda::GpuExecutor &executor,
                              const std::string &tuningDatabase,
                              bool deterministic);

} // namespace sieve::lm::cuda

#endif // SIEVE_MODELS_LM_CUDA_CUDADENSEOPS_H
