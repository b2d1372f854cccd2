//===- DeviceTransformerXL.cpp - the language model as a device program ---===//
//
// Mirrors TransformerXL.cpp operation for operation (see there for the
// model); differences are only where the data lives.
//
//===----------------------------------------------------------------------===//

#include "models/lm/DeviceTransformerXL.h"

#include "models/lm/DropoutSites.h"
#include "models/lm/RelativeAttention.h"
#include "runtime/Core/Error.h"
#include "runtime/Random/CounterRandom.h"

#include <algorithm>
#include <cstring>

using namespace sieve;
using namespace sieve::lm;
using device::Address;
using device::Buffer;
using runtime::DType;

struct DeviceTransformerXL::Layer {
  device::DeviceParameter *ln1g, *ln1b, *ln2g, *ln2b;
  device::AttentionWeights attention, attentionGrad;
  std::unique_ptr<device::DeviceFeedForward> ffn;
};

struct DeviceTransformerXL::Activations {
  struct PerLayer {
    std::unique_ptr<Buffer> concat, normed, mean1, rstd1, afterAttention, mean2,
        rstd2, ffnIn;
    device::AttentionCache attention;
    int64_t memory = 0;
  };
  std::vector<PerLayer> layers;
  std::unique_ptr<Buffer> inputs, targets, routes, positions, final, meanF,
      rstdF, probs;
  device::PreparedValues normedFinal; // read by the output layer's GEMMs
  std::vector<int32_t> hostInputs;
};

namespace {

Address offset(Address base, int64_t elements) {
  return base + elements * sizeof(float);
}

} // namespace

DeviceTransformerXL::DeviceTransformerXL(
    const model::ModelDescription &description, const Parameters &host,
    std::shared_ptr<runtime::Bundle> kernels, device::DenseOps &ops,
    runtime::DType gemmOperands)
    : desc(description), kernels(std::move(kernels)), ops(ops),
      matmul(ops, gemmOperands), vocab(description.tokenizer.vocabSize),
      dModel(description.transformer.dModel) {
  for (const Parameter &p : host.all()) {
    device::DeviceParameter d;
    d.name = p.name;
    d.shape = p.value.shape();
    d.value = ops.allocate(DType::F32, p.numel());
    d.grad = ops.allocate(DType::F32, p.numel());
    params.push_back(std::move(d));
  }
  upload(host);

  const model::TransformerConfig &t = desc.transformer;
  std::vector<model::DistinctFfn> blocks = model::distinctFfnBlocks(desc);
  layers.resize(t.layers);
  for (int64_t l = 0; l < t.layers; ++l) {
    Layer &layer = layers[l];
    auto at = [&](const std::string &what) {
      return &param(layerParameterName(l, what));
    };
    layer.ln1g = at("ln1.weight");
    layer.ln1b = at("ln1.bias");
    layer.ln2g = at("ln2.weight");
    layer.ln2b = at("ln2.bias");
    auto weights = [&](bool gradient) {
      auto address = [&](const std::string &what) {
        device::DeviceParameter *p = at("attention." + what);
        return gradient ? p->grad->address() : p->value->address();
      };
      return device::AttentionWeights{
          address("wq"), address("wk"), address("wv"), address("wr"),
          address("wo"), address("u"),  address("v")};
    };
    layer.attention = weights(false);
    layer.attentionGrad = weights(true);

    LayerFfn block = layerFfn(blocks, l);
    std::vector<device::DeviceParameter *> ffnWeights;
    for (const std::string &name : model::weightNames(*block.config))
      ffnWeights.push_back(block.mowe() ? &param("mowe.ffn." + name)
                                        : at("ffn." + name));
    routed |= block.mowe();
    layer.ffn = std::make_unique<device::DeviceFeedForward>(
        this->kernels, block.prefix, ffnWeights, ops);
  }
}

DeviceTransformerXL::~DeviceTransformerXL() = default;

device::DeviceParameter &DeviceTransformerXL::param(const std::string &name) {
  for (device::DeviceParameter &p : params)
    if (p.name == name)
      return p;
  throw runtime::Error("the device model has no parameter '" + name + "'");
}

runtime::DType DeviceTransformerXL::ffnTensorType() const {
  return layers.front().ffn->tensorType();
}

void DeviceTransformerXL::upload(const Parameters &host) {
  size_t i = 0;
  for (const Parameter &p : host.all()) {
    if (i >= params.size() || params[i].name != p.name ||
        params[i].numel() != p.numel())
      throw runtime::Error("parameter '" + p.name +
                           "' is not the device model's");
    ops.copyIn(params[i++].value->address(), p.value.raw(), p.value.bytes());
  }
}

void DeviceTransformerXL::download(Parameters &host, bool gradients) const {
  size_t i = 0;
  for (Parameter &p : host.all()) {
    if (i >= params.size() || params[i].name != p.name)
      throw runtime::Error("parameter '" + p.name +
                           "' is not the device model's");
    const Buffer &from = gradients ? *params[i].grad : *params[i].value;
    runtime::Tensor &to = gradients ? p.grad : p.value;
    ops.copyOut(to.raw(), from.address(), to.bytes());
    ++i;
  }
}

void DeviceTransformerXL::zeroGrads() {
  for (device::DeviceParameter &p : params)
    ops.zero(p.grad->address(), p.numel() * sizeof(float));
}

DeviceMemory DeviceTransformerXL::emptyMemory(int64_t batch,
                                              int64_t capacity) const {
  DeviceMemory memory;
  memory.capacity = capacity;
  for (size_t l = 0; l < layers.size(); ++l)
    memory.layers.push_back(
        ops.allocate(DType::F32, batch * capacity * dModel));
  return memory;
}

SegmentLoss
DeviceTransformerXL::forward(const int32_t *inputs, const int32_t *targets,
                             const int32_t *routingIds, int64_t batch,
                             int64_t tokens, DeviceMemory &memory, bool train,
                             uint64_t seed, uint64_t step, Activations &acts) {
  const model::TransformerConfig &t = desc.transformer;
  const int64_t B = batch, T = tokens, D = dModel, N = B * T;
  const int64_t M = memory.length, S = M + T;
  const double dropout = train ? t.dropout : 0.0;
  const uint64_t stepSeed = runtime::counterBits(seed, 0, step);
  checkSegment(inputs, targets, N, vocab, routed, routingIds);
  auto buffer = [&](int64_t count) { return ops.allocate(DType::F32, count); };
  auto uploadI32 = [&](const int32_t *values) {
    std::unique_ptr<Buffer> b = ops.allocate(DType::I32, N);
    ops.copyIn(b->address(), values, N * sizeof(int32_t));
    return b;
  };
  acts.hostInputs.assign(inputs, inputs + N);
  acts.inputs = uploadI32(inputs);
  acts.targets = uploadI32(targets);
  if (routed)
    acts.routes = uploadI32(routingIds);
  const Address routes = routed ? acts.routes->address() : 0;
  std::vector<float> positions = sinusoidPositions(S, D);
  acts.positions = buffer(S * D);
  ops.copyIn(acts.positions->address(), positions.data(),
             positions.size() * sizeof(float));

  acts.layers.clear();
  acts.layers.resize(layers.size());
  std::unique_ptr<Buffer> embedded = buffer(N * D), h = buffer(N * D),
                          dropped = buffer(N * D);
  ops.embeddingForward(embedded->address(), acts.inputs->address(),
                       param("embedding").value->address(), N, D);
  ops.dropoutForward(h->address(), embedded->address(), N * D, dropout,
                     stepSeed, dropoutStream(-1, kEmbeddingDropout));

  SegmentLoss loss;
  loss.tokens = N;
  for (size_t l = 0; l < layers.size(); ++l) {
    Layer &layer = layers[l];
    Activations::PerLayer &a = acts.layers[l];
    a.memory = M;
    // [memory; h] per stream, then layer norm.
    a.concat = buffer(B * S * D);
    const Address mem = memory.layers[l]->address();
    for (int64_t b = 0; b < B; ++b) {
      if (M > 0)
        ops.copy(offset(a.concat->address(), b * S * D),
                 offset(mem, b * memory.capacity * D), M * D * sizeof(float));
      ops.copy(offset(a.concat->address(), (b * S + M) * D),
               offset(h->address(), b * T * D), T * D * sizeof(float));
    }
    a.normed = buffer(B * S * D);
    a.mean1 = buffer(B * S);
    a.rstd1 = buffer(B * S);
    ops.layerNormForward(a.normed->address(), a.mean1->address(),
                         a.rstd1->address(), a.concat->address(),
                         layer.ln1g->value->address(),
                         layer.ln1b->value->address(), B * S, D);
    AttentionShape shape{B, T, M, D, t.heads, t.headSize};
    std::unique_ptr<Buffer> attentionOut = buffer(N * D);
    device::attentionForward(
        matmul, attentionOut->address(), a.normed->address(),
        acts.positions->address(), layer.attention, shape, dropout, stepSeed,
        dropoutStream(int64_t(l), kAttentionDropout), a.attention);
    // The backward reads the normed rows only as the attention's GEMM
    // operands: with f32 operands these rows, else the rounded copy.
    if (a.attention.a.storage)
      a.normed.reset();
    ops.dropoutForward(dropped->address(), attentionOut->address(), N * D,
                       dropout, stepSeed,
                       dropoutStream(int64_t(l), kAttentionOutDropout));
    ops.add(h->address(), dropped->address(), N * D);
    a.afterAttention = buffer(N * D);
    ops.copy(a.afterAttention->address(), h->address(), N * D * sizeof(float));

    a.ffnIn = buffer(N * D);
    a.mean2 = buffer(N);
    a.rstd2 = buffer(N);
    ops.layerNormForward(a.ffnIn->address(), a.mean2->address(),
                         a.rstd2->address(), h->address(),
                         layer.ln2g->value->address(),
                         layer.ln2b->value->address(), N, D);
    int64_t expertSeed =
        static_cast<int64_t>(runtime::counterBits(seed, 1 + l, step) >> 1);
    std::unique_ptr<Buffer> ffnOut = buffer(N * D);
    loss.auxiliary +=
        train ? layer.ffn->forwardTrain(a.ffnIn->address(), ffnOut->address(),
                                        N, expertSeed, routes)
              : layer.ffn->forward(a.ffnIn->address(), ffnOut->address(), N,
                                   routes);
    ops.dropoutForward(dropped->address(), ffnOut->address(), N * D, dropout,
                       stepSeed, dropoutStream(int64_t(l), kFfnOutDropout));
    ops.add(h->address(), dropped->address(), N * D);

    // The next segment's memory: the last `capacity` rows of [memory; h].
    int64_t kept = std::min(memory.capacity, S);
    for (int64_t b = 0; b < B; ++b)
      ops.copy(offset(mem, b * memory.capacity * D),
               offset(a.concat->address(), (b * S + S - kept) * D),
               kept * D * sizeof(float));
  }
  memory.length = std::min(memory.capacity, S);

  acts.final = std::move(h);
  std::unique_ptr<Buffer> normedFinal = buffer(N * D);
  acts.meanF = buffer(N);
  acts.rstdF = buffer(N);
  ops.layerNormForward(normedFinal->address(), acts.meanF->address(),
                       acts.rstdF->address(), acts.final->address(),
                       param("ln.weight").value->address(),
                       param("ln.bias").value->address(), N, D);
  acts.normedFinal = matmul.keep(std::move(normedFinal));
  std::unique_ptr<Buffer> logits = buffer(N * vocab);
  ops.broadcastRows(logits->address(), param("output.bias").value->address(), N,
                    vocab);
  matmul({N, vocab, D}, acts.normedFinal.values,
         device::f32Values(param("output.weight").value->address()),
         logits->address(), 1.0f);
  acts.probs = buffer(N * vocab);
  loss.crossEntropy =
      ops.crossEntropyForward(acts.probs->address(), logits->address(),
                              acts.targets->address(), N, vocab);
  return loss;
}

SegmentLoss DeviceTransformerXL::trainSegment(const int32_t *inputs,
                                              const int32_t *targets,
                                              int64_t batch,
                                              DeviceMemory &memory,
                                              uint64_t seed, uint64_t step,
                                              const int32_t *routingIds) {
  const model::TransformerConfig &t = desc.transformer;
  const int64_t B = batch, T = t.context, D = dModel, N = B * T;
  Activations acts;
  SegmentLoss loss = forward(inputs, targets, routingIds, B, T, memory, true,
                             seed, step, acts);
  const double dropout = t.dropout;
  const uint64_t stepSeed = runtime::counterBits(seed, 0, step);
  auto buffer = [&](int64_t count) { return ops.allocate(DType::F32, count); };

  // The loss is the mean cross-entropy plus the auxiliary losses.
  std::unique_ptr<Buffer> dlogits = buffer(N * vocab);
  ops.crossEntropyBackward(dlogits->address(), acts.probs->address(),
                           acts.targets->address(), N, vocab,
                           1.0f / static_cast<float>(N));
  ops.addColumnSums(param("output.bias").grad->address(), dlogits->address(), N,
                    vocab);
  device::PreparedValues dlogitsValues = matmul.keep(std::move(dlogits));
  device::DeviceParameter &out = param("output.weight");
  std::unique_ptr<Buffer> dnormed = buffer(N * D);
  device::RowMajorGemm inputGrad{N, D, vocab, false, true};
  matmul(inputGrad, dlogitsValues.values,
         device::f32Values(out.value->address()), dnormed->address(), 1.0f);
  device::RowMajorGemm weightGrad{D, vocab, N, true, false};
  matmul(weightGrad, acts.normedFinal.values, dlogitsValues.values,
         out.grad->address(), 1.0f);
  std::unique_ptr<Buffer> dh = buffer(N * D);
  device::DeviceParameter &lnw = param("ln.weight");
  ops.layerNormBackward(dh->address(), lnw.grad->address(),
                        param("ln.bias").grad->address(), dnormed->address(),
                        acts.final->address(), acts.meanF->address(),
                        acts.rstdF->address(), lnw.value->address(), N, D);

  for (int64_t l = static_cast<int64_t>(layers.size()) - 1; l >= 0; --l) {
    Layer &layer = layers[l];
    Activations::PerLayer &a = acts.layers[l];
    const int64_t M = a.memory, S = M + T;
    // h2 = h1 + dropout(FFN(LN2(h1))).
    std::unique_ptr<Buffer> dffnOut = buffer(N * D), dffnIn = buffer(N * D);
    ops.dropoutBackward(dffnOut->address(), dh->address(), N * D, dropout,
                        stepSeed, dropoutStream(l, kFfnOutDropout));
    layer.ffn->backward(a.ffnIn->address(), dffnOut->address(), 1.0f,
                        dffnIn->address());
    ops.layerNormBackward(
        dh->address(), layer.ln2g->grad->address(), layer.ln2b->grad->address(),
        dffnIn->address(), a.afterAttention->address(), a.mean2->address(),
        a.rstd2->address(), layer.ln2g->value->address(), N, D);
    // h1 = h0 + dropout(Attention(LN1([memory; h0]))).
    std::unique_ptr<Buffer> dattention = buffer(N * D),
                            dnormedCat = buffer(B * S * D),
                            dconcat = buffer(B * S * D);
    ops.dropoutBackward(dattention->address(), dh->address(), N * D, dropout,
                        stepSeed, dropoutStream(l, kAttentionOutDropout));
    AttentionShape shape{B, T, M, D, t.heads, t.headSize};
    device::attentionBackward(matmul, dnormedCat->address(),
                              layer.attentionGrad, dattention->address(),
                              acts.positions->address(), layer.attention, shape,
                              dropout, stepSeed,
                              dropoutStream(l, kAttentionDropout), a.attention);
    ops.layerNormBackward(dconcat->address(), layer.ln1g->grad->address(),
                          layer.ln1b->grad->address(), dnormedCat->address(),
                          a.concat->address(), a.mean1->address(),
                          a.rstd1->address(), layer.ln1g->value->address(),
                          B * S, D);
    // The memory rows are not differentiated through.
    for (int64_t b = 0; b < B; ++b)
      ops.add(offset(dh->address(), b * T * D),
              offset(dconcat->address(), (b * S + M) * D), T * D);
  }
  std::unique_ptr<Buffer> dembedded = buffer(N * D);
  ops.dropoutBackward(dembedded->address(), dh->address(), N * D, dropout,
                      stepSeed, dropoutStream(-1, kEmbeddingDropout));
  ops.embeddingBackward(
      param("embedding").grad->address(), dembedded->address(),
      device::groupTokenPositions(acts.hostInputs.data(), N), D);
  return loss;
}

SegmentLoss DeviceTransformerXL::evaluateSegment(const int32_t *inputs,
                                                 const int32_t *targets,
                                                 int64_t batch, int64_t tokens,
                                                 DeviceMemory &memory,
                                                 const int32_t *routingIds) {
  Activations acts;
  return forward(inputs, targets, routingIds, batch, tokens, memory, false, 0,
                 0, acts);
}
