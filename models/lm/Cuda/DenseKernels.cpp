//===- DenseKernels.cpp - the language model's dense layers on the GPU ----===//

#include "models/lm/Cuda/DenseKernels.h"

#include "runtime/Core/Error.h"
#include "runtime/Random/CounterRandom.h"

#include <algorithm>

using namespace sieve;
using namespace sieve::lm::cuda;
using runtime::DType;
using runtime::Tensor;
using runtime::cuda::DeviceTensor;
using runtime::cuda::GpuExecutor;

namespace {

constexpr unsigned kThreads = 256;
// Rows per partial of a column sum: enough chunks to fill the GPU, few
// enough that adding the partials up is cheap.
constexpr int64_t kRowsPerChunk = 64;

} // namespace

const std::vector<std::string> &sieve::lm::cuda::denseKernelNames() {
  static const std::vector<std::string> names = {
      "sieve_lm_add",
      "sieve_lm_broadcast_rows",
      "sieve_lm_to_bf16",
      "sieve_lm_from_bf16",
      "sieve_lm_accumulate_bf16",
      "sieve_lm_dropout_forward",
      "sieve_lm_dropout_backward",
      "sieve_lm_embedding_forward",
      "sieve_lm_embedding_backward",
      "sieve_lm_column_partials",
      "sieve_lm_add_chunks",
      "sieve_lm_layer_norm_forward",
      "sieve_lm_layer_norm_backward",
      "sieve_lm_cross_entropy_forward",
      "sieve_lm_cross_entropy_backward",
      "sieve_lm_split_heads",
      "sieve_lm_merge_heads",
      "sieve_lm_head_bias",
      "sieve_lm_head_bias_grad",
      "sieve_lm_attention_softmax",
      "sieve_lm_attention_softmax_backward",
      "sieve_lm_sum_squares",
      "sieve_lm_adam"};
  return names;
}

unsigned sieve::lm::cuda::elementBlocks(int64_t n) {
  // A grid-stride loop: more blocks than this only queue.
  const int64_t blocks = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(std::clamp<int64_t>(blocks, 1, 65535));
}

DropoutDraw sieve::lm::cuda::dropoutDraw(double p) {
  if (p <= 0.0)
    return {runtime::keepThreshold(1.0), 1.0f};
  return {runtime::keepThreshold(1.0 - p), static_cast<float>(1.0 / (1.0 - p))};
}

DenseKernels::DenseKernels(GpuExecutor &executor,
                           const std::string &cacheDirectory,
                           std::vector<std::string> *notes)
    : module_(executor, denseKernelSource(), "sieve-lm-dense-kernels.cu",
              cacheDirectory, notes) {
  for (const std::string &name : denseKernelNames())
    functions_[name] = module_.function(name);
}

void DenseKernels::launch(const char *kernel, unsigned blocks,
                          std::vector<void *> args) {
  module_.executor().launch(functions_.at(kernel), {blocks, 1, 1},
                            {kThreads, 1, 1}, 0, args.data(), kernel);
}

void DenseKernels::add(CUdeviceptr y, CUdeviceptr x, int64_t n) {
  launch("sieve_lm_add", elementBlocks(n), {&y, &x, &n});
}

void DenseKernels::broadcastRows(CUdeviceptr out, CUdeviceptr bias, int64_t n,
                                 int64_t m) {
  launch("sieve_lm_broadcast_rows", elementBlocks(n * m),
         {&out, &bias, &n, &m});
}

void DenseKernels::toBf16(CUdeviceptr out, CUdeviceptr in, int64_t n) {
  launch("sieve_lm_to_bf16", elementBlocks(n), {&out, &in, &n});
}

void DenseKernels::fromBf16(CUdeviceptr out, CUdeviceptr in, int64_t n) {
  launch("sieve_lm_from_bf16", elementBlocks(n), {&out, &in, &n});
}

void DenseKernels::accumulateBf16(CUdeviceptr out, CUdeviceptr in, int64_t n) {
  launch("sieve_lm_accumulate_bf16", elementBlocks(n), {&out, &in, &n});
}

void DenseKernels::dropoutForward(CUdeviceptr out, CUdeviceptr x, int64_t n,
                                  double p, uint64_t seed, uint64_t stream) {
  DropoutDraw draw = dropoutDraw(p);
  launch("sieve_lm_dropout_forward", elementBlocks(n),
         {&out, &x, &n, &draw.threshold, &draw.scale, &seed, &stream});
}

void DenseKernels::dropoutBackward(CUdeviceptr dx, CUdeviceptr dout, int64_t n,
                                   double p, uint64_t seed, uint64_t stream) {
  DropoutDraw draw = dropoutDraw(p);
  launch("sieve_lm_dropout_backward", elementBlocks(n),
         {&dx, &dout, &n, &draw.threshold, &draw.scale, &seed, &stream});
}

void DenseKernels::embeddingForward(CUdeviceptr out, CUdeviceptr tokens,
                                    CUdeviceptr table, int64_t n, int64_t c) {
  launch("sieve_lm_embedding_forward", elementBlocks(n * c),
         {&out, &tokens, &table, &n, &c});
}

void DenseKernels::embeddingBackward(CUdeviceptr dtable, CUdeviceptr dout,
                                     const TokenGroups &groups, int64_t c) {
  auto upload = [&](const std::vector<int32_t> &values) {
    return executor().upload(
        Tensor::fromI32({static_cast<int64_t>(values.size())}, values));
  };
  DeviceTensor positions = upload(groups.positions),
               starts = upload(groups.starts), ids = upload(groups.ids);
  CUdeviceptr p = positions.address(), s = starts.address(), i = ids.address();
  int64_t distinct = static_cast<int64_t>(groups.ids.size());
  launch("sieve_lm_embedding_backward", elementBlocks(distinct * c),
         {&dtable, &dout, &p, &s, &i, &distinct, &c});
}

void DenseKernels::addColumnSums(CUdeviceptr out, CUdeviceptr in, int64_t n,
                                 int64_t m) {
  int64_t chunks =
      std::max<int64_t>(1, (n + kRowsPerChunk - 1) / kRowsPerChunk);
  int64_t rows = kRowsPerChunk;
  DeviceTensor partial = executor().allocate(DType::F32, {chunks, m});
  CUdeviceptr p = partial.address();
  launch("sieve_lm_column_partials", static_cast<unsigned>(chunks),
         {&p, &in, &n, &m, &rows});
  launch("sieve_lm_add_chunks", elementBlocks(m), {&out, &p, &chunks, &m});
}

void DenseKernels::layerNormForward(CUdeviceptr out, CUdeviceptr mean,
                                    CUdeviceptr rstd, CUdeviceptr x,
                                    CUdeviceptr g, CUdeviceptr b, int64_t n,
                                    int64_t c) {
  launch("sieve_lm_layer_norm_forward", static_cast<unsigned>(n),
         {&out, &mean, &rstd, &x, &g, &b, &c});
}

void DenseKernels::layerNormBackward(CUdeviceptr dx, CUdeviceptr dg,
                                     CUdeviceptr db, CUdeviceptr dout,
                                     CUdeviceptr x, CUdeviceptr mean,
                                     CUdeviceptr rstd, CUdeviceptr g, int64_t n,
                                     int64_t c) {
  DeviceTensor gainRows = executor().allocate(DType::F32, {n, c});
  DeviceTensor biasRows = executor().allocate(DType::F32, {n, c});
  CUdeviceptr gr = gainRows.address(), br = biasRows.address();
  launch("sieve_lm_layer_norm_backward", static_cast<unsigned>(n),
         {&dx, &gr, &br, &dout, &x, &mean, &rstd, &g, &c});
  addColumnSums(dg, gr, n, c);
  addColumnSums(db, br, n, c);
}

double DenseKernels::crossEntropyForward(CUdeviceptr probs, CUdeviceptr logits,
                                         CUdeviceptr targets, int64_t n,
                                         int64_t vocab) {
  DeviceTensor rowLoss = executor().allocate(DType::F32, {n});
  CUdeviceptr r = rowLoss.address();
  launch("sieve_lm_cross_entropy_forward", static_cast<unsigned>(n),
         {&probs, &r, &logits, &targets, &vocab});
  Tensor rows = executor().download(rowLoss);
  double loss = 0;
  for (int64_t i = 0; i < n; ++i)
    loss += rows.data<float>()[i];
  return loss;
}

void DenseKernels::crossEntropyBackward(CUdeviceptr dlogits, CUdeviceptr probs,
                                        CUdeviceptr targets, int64_t n,
                                        int64_t vocab, float scale) {
  launch("sieve_lm_cross_entropy_backward", elementBlocks(n * vocab),
         {&dlogits, &probs, &targets, &n, &vocab, &scale});
}

void DenseKernels::splitHeads(CUdeviceptr out, CUdeviceptr in, int64_t heads,
                              int64_t batch, int64_t rows, int64_t headSize,
                              int64_t first, int64_t inRows) {
  launch("sieve_lm_split_heads", elementBlocks(heads * batch * rows * headSize),
         {&out, &in, &heads, &batch, &rows, &headSize, &first, &inRows});
}

void DenseKernels::mergeHeads(CUdeviceptr out, CUdeviceptr in, int64_t heads,
                              int64_t batch, int64_t rows, int64_t headSize) {
  launch("sieve_lm_merge_heads", elementBlocks(heads * batch * rows * headSize),
         {&out, &in, &heads, &batch, &rows, &headSize});
}

void DenseKernels::headBias(CUdeviceptr qu, CUdeviceptr qv, CUdeviceptr q,
                            CUdeviceptr u, CUdeviceptr v, int64_t heads,
                            int64_t batch, int64_t tokens, int64_t headSize) {
  launch("sieve_lm_head_bias", elementBlocks(heads * batch * tokens * headSize),
         {&qu, &qv, &q, &u, &v, &heads, &batch, &tokens, &headSize});
}

void DenseKernels::headBiasGrad(CUdeviceptr du, CUdeviceptr dq, int64_t heads,
                                int64_t batchTokens, int64_t headSize) {
  launch("sieve_lm_head_bias_grad", elementBlocks(heads * headSize),
         {&du, &dq, &heads, &batchTokens, &headSize});
}

void DenseKernels::launchAttentionRows(const char *kernel,
                                       std::array<CUdeviceptr, 4> buffers,
                                       const AttentionRows &rows) {
  AttentionRows r = rows;
  DropoutDraw draw = dropoutDraw(r.dropout);
  launch(kernel, static_cast<unsigned>(r.heads * r.batch * r.tokens),
         {&buffers[0], &buffers[1], &buffers[2], &buffers[3], &r.heads,
          &r.batch, &r.tokens, &r.keys, &r.memory, &r.scale, &draw.threshold,
          &draw.scale, &r.seed, &r.stream});
}

void DenseKernels::attentionSoftmax(CUdeviceptr probs, CUdeviceptr dropped,
                                    CUdeviceptr ac, CUdeviceptr g,
                                    const AttentionRows &rows) {
  launchAttentionRows("sieve_lm_attention_softmax", {probs, dropped, ac, g},
                      rows);
}

void DenseKernels::attentionSoftmaxBackward(CUdeviceptr dscore, CUdeviceptr dg,
                                            CUdeviceptr dp, CUdeviceptr probs,
                                            const AttentionRows &rows) {
  launchAttentionRows("sieve_lm_attention_softmax_backward",
                      {dscore, dg, dp, probs}, rows);
}

double DenseKernels::sumSquares(CUdeviceptr g, int64_t n) {
  unsigned blocks = std::min(elementBlocks(n), 1024u);
  DeviceTensor partial =
      executor().allocate(DType::F32, {static_cast<int64_t>(blocks)});
  CUdeviceptr p = partial.address();
  launch("sieve_lm_sum_squares", blocks, {&p, &g, &n});
  Tensor sums = executor().download(partial);
  double total = 0;
  for (unsigned i = 0; i < blocks; ++i)
    total += sums.data<float>()[i];
  return total;
}

void DenseKernels::adam(CUdeviceptr w, CUdeviceptr m, CUdeviceptr v,
                        CUdeviceptr g, int64_t n, float gradScale, float lr,
                        float beta1, float beta2, float epsilon,
                        float correction1, float correction2) {
  launch("sieve_lm_adam", elementBlocks(n),
         {&w, &m, &v, &g, &n, &gradScale, &lr, &beta1, &beta2, &epsilon,
          &correction1, &correction2});
}
