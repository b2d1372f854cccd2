//===- DenseKernels.h - the language model's dense layers on the GPU ------===//
//
// What GPU training runs between cuBLAS's GEMMs and the compiled
// feed-forward kernels: embedding, layer norm, dropout, cross-entropy, the
// relative attention's softmax, head reshapes and biases, column sums,
// bf16 conversions and Adam (DenseKernels.cu, built by NVRTC for the GPU
// at hand). Each method enqueues on the executor's stream; sums are in a
// fixed order, so results do not vary from run to run. The operations are
// those of models/lm/Ops.h and RelativeAttention.h, on device addresses.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_CUDA_DENSEKERNELS_H
#define SIEVE_MODELS_LM_CUDA_DENSEKERNELS_H

#include "models/lm/Device/DenseOps.h"
#include "runtime/Cuda/NvrtcModule.h"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sieve::lm::cuda {

using device::AttentionRows;
using device::TokenGroups;
using runtime::cuda::CUdeviceptr;

/// The kernels' CUDA C++ source (DenseKernels.cu, embedded at build time).
const std::string &denseKernelSource();
/// The kernels the source must define (what DenseKernels looks up).
const std::vector<std::string> &denseKernelNames();

/// Blocks for a grid-stride loop over `n` elements of 256 threads.
unsigned elementBlocks(int64_t n);

/// Dropout with drop probability `p` as the kernels take it: the 24-bit
/// keep threshold (runtime/Random/CounterRandom.h) and 1 / (1 - p).
struct DropoutDraw {
  uint32_t threshold;
  float scale;
};
DropoutDraw dropoutDraw(double p);

class DenseKernels {
public:
  /// Builds (or finds in the NVRTC cache at `cacheDirectory`) and loads the
  /// kernels for `executor`'s GPU. Throws runtime::Error.
  DenseKernels(runtime::cuda::GpuExecutor &executor,
               const std::string &cacheDirectory,
               std::vector<std::string> *notes = nullptr);

  runtime::cuda::GpuExecutor &executor() { return module_.executor(); }

  // Elementwise.
  void add(CUdeviceptr y, CUdeviceptr x, int64_t n);
  void broadcastRows(CUdeviceptr out, CUdeviceptr bias, int64_t n, int64_t m);
  void toBf16(CUdeviceptr out, CUdeviceptr in, int64_t n);
  void fromBf16(CUdeviceptr out, CUdeviceptr in, int64_t n);
  void accumulateBf16(CUdeviceptr out, CUdeviceptr in, int64_t n);
  void dropoutForward(CUdeviceptr out, CUdeviceptr x, int64_t n, double p,
                      uint64_t seed, uint64_t stream);
  void dropoutBackward(CUdeviceptr dx, CUdeviceptr dout, int64_t n, double p,
                       uint64_t seed, uint64_t stream);

  // Embedding; the backward uploads the token groups it is given.
  void embeddingForward(CUdeviceptr out, CUdeviceptr tokens, CUdeviceptr table,
                        int64_t n, int64_t c);
  void embeddingBackward(CUdeviceptr dtable, CUdeviceptr dout,
                         const TokenGroups &groups, int64_t c);

  /// out[j] += the sum over the n rows of in (n x m), deterministically.
  void addColumnSums(CUdeviceptr out, CUdeviceptr in, int64_t n, int64_t m);

  // Layer norm over rows of width c; the backward accumulates into dx, dg
  // and db.
  void layerNormForward(CUdeviceptr out, CUdeviceptr mean, CUdeviceptr rstd,
                        CUdeviceptr x, CUdeviceptr g, CUdeviceptr b, int64_t n,
                        int64_t c);
  void layerNormBackward(CUdeviceptr dx, CUdeviceptr dg, CUdeviceptr db,
                         CUdeviceptr dout, CUdeviceptr x, CUdeviceptr mean,
                         CUdeviceptr rstd, CUdeviceptr g, int64_t n, int64_t c);

  /// Softmax cross-entropy: writes probs, returns the summed loss (nats;
  /// waits for the stream).
  double crossEntropyForward(CUdeviceptr probs, CUdeviceptr logits,
                             CUdeviceptr targets, int64_t n, int64_t vocab);
  /// dlogits = scale (probs - onehot(targets)).
  void crossEntropyBackward(CUdeviceptr dlogits, CUdeviceptr probs,
                            CUdeviceptr targets, int64_t n, int64_t vocab,
                            float scale);

  // Attention (see DenseKernels.cu for the layouts).
  void splitHeads(CUdeviceptr out, CUdeviceptr in, int64_t heads, int64_t batch,
                  int64_t rows, int64_t headSize, int64_t first,
                  int64_t inRows);
  void mergeHeads(CUdeviceptr out, CUdeviceptr in, int64_t heads, int64_t batch,
                  int64_t rows, int64_t headSize);
  void headBias(CUdeviceptr qu, CUdeviceptr qv, CUdeviceptr q, CUdeviceptr u,
                CUdeviceptr v, int64_t heads, int64_t batch, int64_t tokens,
                int64_t headSize);
  void headBiasGrad(CUdeviceptr du, CUdeviceptr dq, int64_t heads,
                    int64_t batchTokens, int64_t headSize);
  void attentionSoftmax(CUdeviceptr probs, CUdeviceptr dropped, CUdeviceptr ac,
                        CUdeviceptr g, const AttentionRows &rows);
  void attentionSoftmaxBackward(CUdeviceptr dscore, CUdeviceptr dg,
                                CUdeviceptr dp, CUdeviceptr probs,
                                const AttentionRows &rows);

  /// The sum of squares of g's n elements (waits for the stream).
  double sumSquares(CUdeviceptr g, int64_t n);
  /// One Adam step (models/lm/Adam.cpp's update) on n elements.
  void adam(CUdeviceptr w, CUdeviceptr m, CUdeviceptr v, CUdeviceptr g,
            int64_t n, float gradScale, float lr, float beta1, float beta2,
            float epsilon, float correction1, float correction2);

private:
  /// Launches `kernel` with `blocks` blocks of 256 threads; `args` are
  /// pointers to the kernel's parameters, in order.
  void launch(const char *kernel, unsigned blocks, std::vector<void *> args);
  /// A block per score row: four buffers, then the rows' shape, scale and
  /// dropout.
  void launchAttentionRows(const char *kernel,
                           std::array<CUdeviceptr, 4> buffers,
                           const AttentionRows &rows);

  runtime::cuda::NvrtcModule module_;
  std::map<std::string, runtime::cuda::CUfunction> functions_;
};

} // namespace sieve::lm::cuda

#endif // SIEVE_MODELS_LM_CUDA_DENSEKERNELS_H
