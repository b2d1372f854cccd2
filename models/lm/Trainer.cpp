//===- Trainer.cpp - training and evaluating a language model -------------===//

#include "models/lm/Trainer.h"

#include "models/lm/Adam.h"
#include "models/lm/Checkpoint.h"
#include "runtime/Core/Error.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace sieve;
using namespace sieve::lm;

namespace {

std::string duration(double seconds) {
  int64_t s = static_cast<int64_t>(seconds + 0.5);
  char text[32];
  if (s >= 3600)
    std::snprintf(text, sizeof text, "%lldh%02lldm", (long long)(s / 3600),
                  (long long)(s % 3600 / 60));
  else
    std::snprintf(text, sizeof text, "%lldm%02llds", (long long)(s / 60),
                  (long long)(s % 60));
  return text;
}

/// Keeps the metrics lines of the first `step` steps (a resumed run rewrites
/// the rest).
void truncateMetrics(const std::string &path, int64_t step) {
  std::ifstream in(path);
  std::string kept, line;
  while (std::getline(in, line)) {
    size_t at = line.find("\"step\": ");
    if (at != std::string::npos && std::stoll(line.substr(at + 8)) <= step)
      kept += line + "\n";
  }
  in.close();
  std::ofstream(path, std::ios::trunc) << kept;
}

} // namespace

TrainResult sieve::lm::trainModel(TransformerXL &model, const Corpus &corpus,
                                  const TrainOptions &options) {
  const model::ModelDescription &d = model.description();
  const model::TrainingConfig &t = d.training;
  const int64_t batch = t.batchSize, context = d.transformer.context;
  const int64_t steps = options.steps > 0 ? options.steps : t.steps;
  std::filesystem::create_directories(options.outputDirectory);
  const std::string checkpoint =
      options.outputDirectory + "/checkpoint.safetensors";
  const std::string metricsPath = options.outputDirectory + "/metrics.jsonl";

  Adam adam(model.parameters());
  TrainingState state{0, model.emptyMemory(batch, d.transformer.memory)};
  if (options.resume && std::filesystem::exists(checkpoint)) {
    loadCheckpoint(checkpoint, model, adam, state);
    truncateMetrics(metricsPath, state.step);
    if (options.progress)
      *options.progress << "resuming " << checkpoint << " at step "
                        << state.step << "\n";
  } else {
    if (options.resume && options.progress)
      *options.progress << "no checkpoint in " << options.outputDirectory
                        << ": starting from step 0\n";
    model.initialize(t.seed);
    if (!options.initFrom.empty()) {
      loadWeights(options.initFrom, model);
      if (options.progress)
        *options.progress << "fine-tuning from " << options.initFrom << "\n";
    }
    std::ofstream(metricsPath, std::ios::trunc);
  }
  if (options.freezeExperts) {
    if (model.expertWeights().empty())
      throw runtime::Error("--freeze-experts: the model has no MoWE experts");
    for (Parameter *p : model.expertWeights())
      p->frozen = true;
  }
  if (model.needsRoutingIds() &&
      corpus.trainRoutes.size() != corpus.train.size())
    throw runtime::Error("the model has MoWE layers but the training split "
                         "has no routing ids");
  DeviceTraining *device = options.device;
  if (device)
    device->upload(model, adam, state);

  SegmentStream stream(corpus.train, batch, context);
  std::ofstream metrics(metricsPath, std::ios::app);
  std::vector<int32_t> inputs, targets, routes;
  const int32_t *routeData = nullptr;
  TrainResult result;
  result.firstStep = state.step;
  auto start = std::chrono::steady_clock::now();
  for (int64_t step = state.step; step < steps; ++step) {
    if (options.stopAfter > 0 && step >= options.stopAfter)
      break;
    if (stream.segment(step, inputs, targets)) {
      state.memory.length = 0; // a new pass: the memory is stale
      if (device)
        device->forgetMemory();
    }
    if (model.needsRoutingIds()) {
      stream.routes(step, corpus.trainRoutes, routes);
      routeData = routes.data();
    }
    SegmentLoss loss;
    double lr = cosineLearningRate(t.learningRate, step, steps, t.warmup),
           norm = 0;
    if (device) {
      loss = device->trainSegment(inputs.data(), targets.data(), batch, t.seed,
                                  step, routeData);
      norm = device->adamStep(lr, t.gradClip, model.parameters());
    } else {
      model.parameters().zeroGrads();
      loss = model.trainSegment(inputs.data(), targets.data(), batch,
                                state.memory, t.seed, step, routeData);
      norm = adam.step(lr, t.gradClip);
    }
    state.step = step + 1;

    double crossEntropy = loss.crossEntropy / double(loss.tokens);
    result.lastLoss = crossEntropy + loss.auxiliary;
    result.tokens += loss.tokens;
    result.lastStep = state.step;
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    char line[512];
    std::snprintf(line, sizeof line,
                  "{\"step\": %lld, \"loss\": %.6f, \"cross_entropy\": %.6f, "
                  "\"bits_per_token\": %.6f, \"aux_loss\": %.6g, \"lr\": %.6g, "
                  "\"grad_norm\": %.6g, \"tokens_per_s\": %.1f, "
                  "\"time_s\": %.3f}\n",
                  (long long)state.step, result.lastLoss, crossEntropy,
                  crossEntropy / std::log(2.0), loss.auxiliary, lr, norm,
                  result.tokensPerSecond(), result.seconds);
    metrics << line << std::flush;
    if (options.progress &&
        (state.step % t.logEvery == 0 || state.step == steps)) {
      double perStep = result.seconds / double(state.step - result.firstStep);
      std::snprintf(line, sizeof line,
                    "step %lld/%lld  loss %.4f  bits/token %.3f  lr %.2e  "
                    "|g| %.3f  %.0f tok/s  ETA %s\n",
                    (long long)state.step, (long long)steps, result.lastLoss,
                    crossEntropy / std::log(2.0), lr, norm,
                    result.tokensPerSecond(),
                    duration(perStep * double(steps - state.step)).c_str());
      *options.progress << line << std::flush;
    }
    if (state.step % t.checkpointEvery == 0 || state.step == steps ||
        (options.stopAfter > 0 && state.step == options.stopAfter)) {
      if (device)
        device->download(model, adam, state);
      saveCheckpoint(checkpoint, model, adam, state);
    }
  }
  if (state.step == steps) {
    if (device)
      device->download(model, adam, state);
    saveWeights(options.outputDirectory + "/model.safetensors", model);
  }
  return result;
}

double EvalResult::bitsPerToken() const {
  return tokens ? crossEntropy / double(tokens) / std::log(2.0) : 0.0;
}

double EvalResult::perplexity() const {
  return tokens ? std::exp(crossEntropy / double(tokens)) : 0.0;
}

namespace {

/// Both models' evaluation: the same stream of segments and memory.
template <typename Model>
EvalResult evaluate(Model &model, const std::vector<int32_t> &split,
                    int64_t batch, int64_t maxSegments,
                    const std::vector<int32_t> *routes) {
  const model::TransformerConfig &t = model.description().transformer;
  SegmentStream stream(split, batch, t.context);
  auto memory = model.emptyMemory(batch, t.evalMemory);
  int64_t segments = stream.segmentsPerPass();
  if (maxSegments > 0)
    segments = std::min(segments, maxSegments);
  EvalResult result;
  if (model.needsRoutingIds() && !routes)
    throw runtime::Error("the model has MoWE layers but the split has no "
                         "routing ids");
  std::vector<int32_t> inputs, targets, ids;
  for (int64_t s = 0; s < segments; ++s) {
    stream.segment(s, inputs, targets);
    if (routes)
      stream.routes(s, *routes, ids);
    SegmentLoss loss =
        model.evaluateSegment(inputs.data(), targets.data(), batch, t.context,
                              memory, routes ? ids.data() : nullptr);
    result.crossEntropy += loss.crossEntropy;
    result.tokens += loss.tokens;
  }
  return result;
}

} // namespace

EvalResult sieve::lm::evaluateModel(TransformerXL &model,
                                    const std::vector<int32_t> &split,
                                    int64_t batch, int64_t maxSegments,
                                    const std::vector<int32_t> *routes) {
  return evaluate(model, split, batch, maxSegments, routes);
}

EvalResult sieve::lm::evaluateModel(DeviceTransformerXL &model,
                                    const std::vector<int32_t> &split,
                                    int64_t batch, int64_t maxSegments,
                                    const std::vector<int32_t> *routes) {
  return evaluate(model, split, batch, maxSegments, routes);
}
