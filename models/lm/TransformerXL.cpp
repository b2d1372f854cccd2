//===- TransformerXL.cpp - the papers' language model ---------------------===//

#include "models/lm/TransformerXL.h"

#include "models/lm/DropoutSites.h"
#include "models/lm/Initialization.h"
#include "models/lm/Ops.h"
#include "runtime/Core/Error.h"
#include "runtime/Random/CounterRandom.h"

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace sieve;
using namespace sieve::lm;

void sieve::lm::checkSegment(const int32_t *inputs, const int32_t *targets,
                             int64_t n, int64_t vocab, bool needsRoutingIds,
                             const int32_t *routingIds) {
  for (int64_t i = 0; i < n; ++i)
    if (inputs[i] < 0 || inputs[i] >= vocab || targets[i] < 0 ||
        targets[i] >= vocab)
      throw runtime::Error("token " + std::to_string(i) +
                           " of the segment "
                           "is outside the vocabulary of " +
                           std::to_string(vocab));
  if (needsRoutingIds && !routingIds)
    throw runtime::Error("the model has MoWE layers, which need each token's "
                         "routing id; none were given");
}

LayerFfn sieve::lm::layerFfn(const std::vector<model::DistinctFfn> &blocks,
                             int64_t layer) {
  for (size_t block = 0; block < blocks.size(); ++block)
    if (std::find(blocks[block].layers.begin(), blocks[block].layers.end(),
                  layer) != blocks[block].layers.end()) {
      const model::LayerConfig &config = blocks[block].block.config;
      return {&config,
              "ffn" + std::to_string(block) + "_" + model::kindName(config)};
    }
  throw runtime::Error("layer " + std::to_string(layer) +
                       " has no feed-forward block");
}

struct TransformerXL::Layer {
  Parameter *ln1g, *ln1b, *ln2g, *ln2b;
  AttentionWeights attention, attentionGrad;
  std::unique_ptr<FeedForward> ffn;
};

/// What a training forward keeps for the backward.
struct TransformerXL::Activations {
  struct PerLayer {
    std::vector<float> input, concat, normed, mean1, rstd1, attentionOut,
        afterAttention, mean2, rstd2;
    runtime::Tensor ffnIn, ffnOut;
    AttentionCache attention;
    int64_t memory = 0;
  };
  std::vector<PerLayer> layers;
  std::vector<float> embedded, final, normedFinal, meanF, rstdF, probs;
  std::vector<float> positions;
};

TransformerXL::TransformerXL(const model::ModelDescription &description,
                             std::shared_ptr<runtime::Bundle> kernels)
    : desc(description), kernels(std::move(kernels)),
      vocab(description.tokenizer.vocabSize),
      dModel(description.transformer.dModel) {
  const model::TransformerConfig &t = desc.transformer;
  keepBlasOnCallingThread();
  // Attention, norms and BLAS run between the feed-forward kernels.
  executor.setReleaseCoresAfterCall(true);
  params.add("embedding", {vocab, dModel});
  std::vector<model::DistinctFfn> blocks = model::distinctFfnBlocks(desc);
  layers.resize(t.layers);
  int64_t width = t.heads * t.headSize;
  for (int64_t l = 0; l < t.layers; ++l) {
    Layer &layer = layers[l];
    auto add = [&](const std::string &what, std::vector<int64_t> shape) {
      return &params.add(layerParameterName(l, what), std::move(shape));
    };
    layer.ln1g = add("ln1.weight", {dModel});
    layer.ln1b = add("ln1.bias", {dModel});
    Parameter *wq = add("attention.wq", {dModel, width});
    Parameter *wk = add("attention.wk", {dModel, width});
    Parameter *wv = add("attention.wv", {dModel, width});
    Parameter *wr = add("attention.wr", {dModel, width});
    Parameter *wo = add("attention.wo", {width, dModel});
    Parameter *u = add("attention.u", {t.heads, t.headSize});
    Parameter *v = add("attention.v", {t.heads, t.headSize});
    layer.attention = {wq->data(), wk->data(), wv->data(), wr->data(),
                       wo->data(), u->data(),  v->data()};
    layer.attentionGrad = {wq->gradData(), wk->gradData(), wv->gradData(),
                           wr->gradData(), wo->gradData(), u->gradData(),
                           v->gradData()};
    layer.ln2g = add("ln2.weight", {dModel});
    layer.ln2b = add("ln2.bias", {dModel});

    LayerFfn block = layerFfn(blocks, l);
    const model::LayerConfig &config = *block.config;
    bool mowe = block.mowe();
    std::vector<Parameter *> weights;
    std::vector<std::vector<int64_t>> shapes = model::weightShapes(config);
    std::vector<std::string> names = model::weightNames(config);
    // All MoWE layers share one set of experts (MoWE App. A; the reader
    // checks that their blocks are equal): created with the first, its
    // gradient accumulated by every MoWE layer's backward.
    if (mowe && routed)
      weights = experts;
    for (size_t i = 0; weights.size() < shapes.size(); ++i)
      weights.push_back(mowe ? &params.add("mowe.ffn." + names[i], shapes[i])
                             : add("ffn." + names[i], shapes[i]));
    if (mowe)
      experts = weights;
    routed |= mowe;
    layer.ffn = std::make_unique<FeedForward>(this->kernels, block.prefix,
                                              weights, executor);
  }
  params.add("ln.weight", {dModel});
  params.add("ln.bias", {dModel});
  params.add("output.weight", {dModel, vocab});
  params.add("output.bias", {vocab});
}

TransformerXL::~TransformerXL() = default;

runtime::DType TransformerXL::ffnTensorType() const {
  return layers.front().ffn->tensorType();
}

void TransformerXL::initialize(uint64_t seed) {
  initializeParameters(params, desc, seed);
}

Memory TransformerXL::emptyMemory(int64_t batch, int64_t capacity) const {
  Memory memory;
  memory.capacity = capacity;
  for (size_t l = 0; l < layers.size(); ++l)
    memory.layers.emplace_back(runtime::DType::F32,
                               std::vector<int64_t>{batch, capacity, dModel});
  return memory;
}

SegmentLoss TransformerXL::forward(const int32_t *inputs,
                                   const int32_t *targets,
                                   const int32_t *routingIds, int64_t batch,
                                   int64_t tokens, Memory &memory, bool train,
                                   uint64_t seed, uint64_t step,
                                   Activations &acts) {
  const model::TransformerConfig &t = desc.transformer;
  const int64_t B = batch, T = tokens, D = dModel, N = B * T;
  const int64_t M = memory.length, S = M + T;
  const double dropout = train ? t.dropout : 0.0;
  const uint64_t stepSeed = runtime::counterBits(seed, 0, step);
  checkSegment(inputs, targets, N, vocab, routed, routingIds);
  runtime::Tensor routes;
  if (routed) {
    routes = runtime::Tensor(runtime::DType::I32, {N});
    std::memcpy(routes.raw(), routingIds, N * sizeof(int32_t));
  }

  acts.layers.clear();
  acts.layers.resize(layers.size());
  acts.positions = sinusoidPositions(S, D);
  acts.embedded.assign(N * D, 0.0f);
  embeddingForward(acts.embedded.data(), inputs, params.at("embedding").data(),
                   N, D);
  std::vector<float> h(N * D);
  dropoutForward(h.data(), acts.embedded.data(), N * D, dropout, stepSeed,
                 dropoutStream(-1, kEmbeddingDropout));

  SegmentLoss loss;
  loss.tokens = N;
  for (size_t l = 0; l < layers.size(); ++l) {
    Layer &layer = layers[l];
    Activations::PerLayer &a = acts.layers[l];
    a.memory = M;
    a.input = h;
    // [memory; h] per stream, then layer norm.
    a.concat.assign(B * S * D, 0.0f);
    const float *mem = memory.layers[l].data<float>();
    for (int64_t b = 0; b < B; ++b) {
      std::memcpy(a.concat.data() + b * S * D, mem + b * memory.capacity * D,
                  M * D * sizeof(float));
      std::memcpy(a.concat.data() + (b * S + M) * D, h.data() + b * T * D,
                  T * D * sizeof(float));
    }
    a.normed.assign(B * S * D, 0.0f);
    a.mean1.assign(B * S, 0.0f);
    a.rstd1.assign(B * S, 0.0f);
    layerNormForward(a.normed.data(), a.mean1.data(), a.rstd1.data(),
                     a.concat.data(), layer.ln1g->data(), layer.ln1b->data(),
                     B * S, D);
    AttentionShape shape{B, T, M, D, t.heads, t.headSize};
    a.attentionOut.assign(N * D, 0.0f);
    attentionForward(a.attentionOut.data(), a.normed.data(),
                     acts.positions.data(), layer.attention, shape, dropout,
                     stepSeed, dropoutStream(l, kAttentionDropout),
                     a.attention);
    std::vector<float> dropped(N * D);
    dropoutForward(dropped.data(), a.attentionOut.data(), N * D, dropout,
                   stepSeed, dropoutStream(l, kAttentionOutDropout));
    addInPlace(h.data(), dropped.data(), N * D);
    a.afterAttention = h;

    a.ffnIn = runtime::Tensor(runtime::DType::F32, {N, D});
    a.mean2.assign(N, 0.0f);
    a.rstd2.assign(N, 0.0f);
    layerNormForward(a.ffnIn.data<float>(), a.mean2.data(), a.rstd2.data(),
                     h.data(), layer.ln2g->data(), layer.ln2b->data(), N, D);
    if (feedForwardObserver)
      feedForwardObserver(static_cast<int64_t>(l), a.ffnIn);
    int64_t expertSeed =
        static_cast<int64_t>(runtime::counterBits(seed, 1 + l, step) >> 1);
    layer.ffn->setRoutingIds(routed ? &routes : nullptr);
    loss.auxiliary +=
        train ? layer.ffn->forwardTrain(a.ffnIn, a.ffnOut, expertSeed)
              : layer.ffn->forward(a.ffnIn, a.ffnOut);
    dropoutForward(dropped.data(), a.ffnOut.data<float>(), N * D, dropout,
                   stepSeed, dropoutStream(l, kFfnOutDropout));
    addInPlace(h.data(), dropped.data(), N * D);

    // The memory for the next segment: the last `capacity` rows of
    // [memory; input].
    int64_t kept = std::min(memory.capacity, S);
    float *next = memory.layers[l].data<float>();
    for (int64_t b = 0; b < B; ++b)
      std::memmove(next + b * memory.capacity * D,
                   a.concat.data() + (b * S + S - kept) * D,
                   kept * D * sizeof(float));
  }
  memory.length = std::min(memory.capacity, S);

  acts.final = h;
  acts.normedFinal.assign(N * D, 0.0f);
  acts.meanF.assign(N, 0.0f);
  acts.rstdF.assign(N, 0.0f);
  layerNormForward(acts.normedFinal.data(), acts.meanF.data(),
                   acts.rstdF.data(), h.data(), params.at("ln.weight").data(),
                   params.at("ln.bias").data(), N, D);
  std::vector<float> logits(N * vocab);
  linearForward(logits.data(), acts.normedFinal.data(),
                params.at("output.weight").data(),
                params.at("output.bias").data(), N, D, vocab);
  acts.probs.assign(N * vocab, 0.0f);
  loss.crossEntropy =
      crossEntropyForward(acts.probs.data(), logits.data(), targets, N, vocab);
  return loss;
}

SegmentLoss TransformerXL::trainSegment(const int32_t *inputs,
                                        const int32_t *targets, int64_t batch,
                                        Memory &memory, uint64_t seed,
                                        uint64_t step,
                                        const int32_t *routingIds) {
  const model::TransformerConfig &t = desc.transformer;
  const int64_t B = batch, T = t.context, D = dModel, N = B * T;
  Activations acts;
  SegmentLoss loss = forward(inputs, targets, routingIds, B, T, memory, true,
                             seed, step, acts);
  const double dropout = t.dropout;
  const uint64_t stepSeed = runtime::counterBits(seed, 0, step);

  // The loss is the mean cross-entropy plus the auxiliary losses.
  std::vector<float> dlogits(N * vocab, 0.0f);
  crossEntropyBackward(dlogits.data(), acts.probs.data(), targets, N, vocab,
                       1.0f / static_cast<float>(N));
  Parameter &out = params.at("output.weight");
  std::vector<float> dnormed(N * D, 0.0f);
  linearBackward(dnormed.data(), out.gradData(),
                 params.at("output.bias").gradData(), dlogits.data(),
                 acts.normedFinal.data(), out.data(), N, D, vocab);
  std::vector<float> dh(N * D, 0.0f);
  Parameter &lnw = params.at("ln.weight");
  layerNormBackward(dh.data(), lnw.gradData(), params.at("ln.bias").gradData(),
                    dnormed.data(), acts.final.data(), acts.meanF.data(),
                    acts.rstdF.data(), lnw.data(), N, D);

  for (int64_t l = static_cast<int64_t>(layers.size()) - 1; l >= 0; --l) {
    Layer &layer = layers[l];
    Activations::PerLayer &a = acts.layers[l];
    const int64_t M = a.memory, S = M + T;
    // h2 = h1 + dropout(FFN(LN2(h1))).
    runtime::Tensor dffnOut(runtime::DType::F32, {N, D});
    dropoutBackward(dffnOut.data<float>(), dh.data(), N * D, dropout, stepSeed,
                    dropoutStream(l, kFfnOutDropout));
    runtime::Tensor dffnIn = layer.ffn->backward(a.ffnIn, dffnOut, 1.0f);
    layerNormBackward(dh.data(), layer.ln2g->gradData(), layer.ln2b->gradData(),
                      dffnIn.data<float>(), a.afterAttention.data(),
                      a.mean2.data(), a.rstd2.data(), layer.ln2g->data(), N, D);
    // h1 = h0 + dropout(Attention(LN1([memory; h0]))).
    std::vector<float> dattention(N * D, 0.0f);
    dropoutBackward(dattention.data(), dh.data(), N * D, dropout, stepSeed,
                    dropoutStream(l, kAttentionOutDropout));
    std::vector<float> dnormedCat(B * S * D, 0.0f);
    AttentionShape shape{B, T, M, D, t.heads, t.headSize};
    attentionBackward(dnormedCat.data(), layer.attentionGrad, dattention.data(),
                      a.normed.data(), acts.positions.data(), layer.attention,
                      shape, dropout, stepSeed,
                      dropoutStream(l, kAttentionDropout), a.attention);
    std::vector<float> dconcat(B * S * D, 0.0f);
    layerNormBackward(dconcat.data(), layer.ln1g->gradData(),
                      layer.ln1b->gradData(), dnormedCat.data(),
                      a.concat.data(), a.mean1.data(), a.rstd1.data(),
                      layer.ln1g->data(), B * S, D);
    // The memory rows are not differentiated through.
    for (int64_t b = 0; b < B; ++b)
      addInPlace(dh.data() + b * T * D, dconcat.data() + (b * S + M) * D,
                 T * D);
  }
  std::vector<float> dembedded(N * D, 0.0f);
  dropoutBackward(dembedded.data(), dh.data(), N * D, dropout, stepSeed,
                  dropoutStream(-1, kEmbeddingDropout));
  embeddingBackward(params.at("embedding").gradData(), dembedded.data(), inputs,
                    N, D);
  return loss;
}

SegmentLoss TransformerXL::evaluateSegment(const int32_t *inputs,
                                           const int32_t *targets,
                                           int64_t batch, int64_t tokens,
                                           Memory &memory,
                                           const int32_t *routingIds,
                                           std::vector<float> *probabilities) {
  Activations acts;
  SegmentLoss loss = forward(inputs, targets, routingIds, batch, tokens, memory,
                             false, 0, 0, acts);
  if (probabilities)
    *probabilities = std::move(acts.probs);
  return loss;
}
