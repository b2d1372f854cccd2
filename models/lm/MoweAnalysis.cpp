//===- MoweAnalysis.cpp - what a MoWE model's word experts hold -----------===//

#include "models/lm/MoweAnalysis.h"

#include "models/lm/Corpus.h"
#include "models/lm/Trainer.h"
#include "models/lm/WordRouter.h"

#include <algorithm>
#include <cmath>

using namespace sieve;
using namespace sieve::lm;

std::vector<int32_t>
sieve::lm::deactivateIds(const std::vector<int32_t> &routes,
                         const std::vector<int32_t> &ids) {
  int32_t largest = 0;
  for (int32_t id : ids)
    largest = std::max(largest, id);
  std::vector<bool> off(static_cast<size_t>(largest) + 1, false);
  for (int32_t id : ids)
    if (id >= 0)
      off[id] = true;
  std::vector<int32_t> result(routes);
  for (int32_t &id : result)
    if (id >= 0 && id <= largest && off[id])
      id = -1;
  return result;
}

std::vector<DeactivationRow> sieve::lm::deactivationStudy(
    TransformerXL &model, const model::MoweFfnConfig &block,
    const std::vector<int32_t> &split, const std::vector<int32_t> &routes,
    int64_t batch, int64_t segments, int64_t threshold) {
  const int64_t vocabulary = block.routingVocabSize;
  const int64_t firstRouted = block.numUnrouted;
  threshold = std::clamp(threshold, firstRouted, vocabulary);
  // How often each id occurs where the evaluation reads.
  SegmentStream stream(split, batch, model.description().transformer.context);
  int64_t read = segments > 0 ? std::min(segments, stream.segmentsPerPass())
                              : stream.segmentsPerPass();
  std::vector<int64_t> counts(vocabulary, 0);
  int64_t tokens = 0;
  std::vector<int32_t> ids;
  for (int64_t s = 0; s < read; ++s) {
    stream.routes(s, routes, ids);
    for (int32_t id : ids) {
      ++tokens;
      if (id >= 0 && id < vocabulary)
        ++counts[id];
    }
  }
  auto row = [&](std::string name, std::vector<int32_t> off) {
    DeactivationRow r;
    r.name = std::move(name);
    r.ids = static_cast<int64_t>(off.size());
    int64_t affected = 0;
    for (int32_t id : off)
      affected += counts[id];
    r.tokenShare = tokens ? double(affected) / double(tokens) : 0.0;
    std::vector<int32_t> changed = deactivateIds(routes, off);
    r.bitsPerToken =
        evaluateModel(model, split, batch, segments, &changed).bitsPerToken();
    return r;
  };

  std::vector<DeactivationRow> rows;
  rows.push_back(row("none", {}));
  std::vector<int32_t> rare;
  int64_t rareTokens = 0;
  for (int64_t id = threshold; id < vocabulary; ++id) {
    rare.push_back(static_cast<int32_t>(id));
    rareTokens += counts[id];
  }
  rows.push_back(row("rare: ids >= " + std::to_string(threshold), rare));
  if (firstRouted + static_cast<int64_t>(rare.size()) <= threshold) {
    std::vector<int32_t> frequent;
    for (size_t i = 0; i < rare.size(); ++i)
      frequent.push_back(static_cast<int32_t>(firstRouted + i));
    rows.push_back(row("frequent: as many ids", frequent));
  }
  std::vector<int32_t> matched;
  int64_t matchedTokens = 0;
  for (int64_t id = firstRouted; id < threshold && matchedTokens < rareTokens;
       ++id) {
    matched.push_back(static_cast<int32_t>(id));
    matchedTokens += counts[id];
  }
  rows.push_back(row("frequent: as many tokens", matched));
  return rows;
}

namespace {

std::string printable(const std::vector<int32_t> &tokens, size_t begin,
                      size_t end) {
  std::string text;
  for (size_t i = begin; i < end && i < tokens.size(); ++i) {
    int32_t t = tokens[i];
    if (t == '\n')
      text += "\\n";
    else if (t < 32 || t == 127)
      text += '?';
    else
      text += static_cast<char>(t);
  }
  return text;
}

int32_t argmax(const float *row, int64_t n) {
  return static_cast<int32_t>(std::max_element(row, row + n) - row);
}

/// Greedy continuation of `tokens` by `count` tokens, routing each new
/// token online; routing id `off` (if >= 0) is turned off throughout.
std::vector<int32_t> continueGreedily(TransformerXL &model,
                                      const WordRouter &router,
                                      std::vector<int32_t> tokens,
                                      int64_t count, int32_t off) {
  const int64_t vocab = model.description().tokenizer.vocabSize;
  size_t start = tokens.size();
  for (int64_t step = 0; step < count; ++step) {
    std::vector<int32_t> ids = router.route(tokens);
    for (int32_t &id : ids)
      if (id == off)
        id = -1;
    std::vector<int32_t> targets(tokens.begin() + 1, tokens.end());
    targets.push_back(0);
    Memory memory = model.emptyMemory(1, 0);
    std::vector<float> probs;
    int64_t n = static_cast<int64_t>(tokens.size());
    model.evaluateSegment(tokens.data(), targets.data(), 1, n, memory,
                          ids.data(), &probs);
    tokens.push_back(argmax(probs.data() + (n - 1) * vocab, vocab));
  }
  return std::vector<int32_t>(tokens.begin() + start, tokens.end());
}

} // namespace

std::vector<WordProbe> sieve::lm::probeWords(
    TransformerXL &model, const RoutingVocabulary &vocabulary,
    const std::vector<std::string> &words, const std::vector<int32_t> &split,
    const std::vector<int32_t> &routes, int64_t maxOccurrences, int64_t window,
    int64_t generate) {
  const int64_t vocab = model.description().tokenizer.vocabSize;
  WordRouter router(vocabulary);
  std::vector<WordProbe> probes;
  for (const std::string &word : words) {
    WordProbe probe;
    std::vector<std::string> lowered = splitWords(word);
    probe.word = lowered.size() == 1 ? lowered[0] : word;
    for (int64_t id = 0; id < vocabulary.size(); ++id)
      if (vocabulary.entries[id].kind == RoutingEntry::Kind::Word &&
          vocabulary.entries[id].word == probe.word)
        probe.routingId = static_cast<int32_t>(id);
    if (probe.routingId < 0) {
      probes.push_back(probe);
      continue;
    }
    // Where the word ends (its id, then a separator: the whole word).
    std::vector<int64_t> at;
    for (int64_t p = window - 1;
         p + 1 < static_cast<int64_t>(split.size()) &&
         static_cast<int64_t>(at.size()) < maxOccurrences;
         ++p)
      if (routes[p] == probe.routingId && isSeparatorByte(split[p + 1]))
        at.push_back(p);
    probe.occurrences = static_cast<int64_t>(at.size());
    if (at.empty()) {
      probes.push_back(probe);
      continue;
    }
    // Every occurrence as one stream: `window` tokens up to the word.
    const int64_t B = probe.occurrences, T = window;
    std::vector<int32_t> inputs(B * T), targets(B * T), on(B * T);
    for (int64_t b = 0; b < B; ++b)
      for (int64_t t = 0; t < T; ++t) {
        int64_t p = at[b] - T + 1 + t;
        inputs[b * T + t] = split[p];
        targets[b * T + t] = split[p + 1];
        on[b * T + t] = routes[p];
      }
    std::vector<int32_t> off = deactivateIds(on, {probe.routingId});
    std::vector<float> probsOn, probsOff;
    Memory memory = model.emptyMemory(B, 0);
    model.evaluateSegment(inputs.data(), targets.data(), B, T, memory,
                          on.data(), &probsOn);
    model.evaluateSegment(inputs.data(), targets.data(), B, T, memory,
                          off.data(), &probsOff);
    for (int64_t b = 0; b < B; ++b) {
      int64_t last = b * T + T - 1;
      const float *rowOn = probsOn.data() + last * vocab;
      const float *rowOff = probsOff.data() + last * vocab;
      int32_t next = targets[last];
      probe.bitsOn -= std::log2(std::max(rowOn[next], 1e-30f)) / double(B);
      probe.bitsOff -= std::log2(std::max(rowOff[next], 1e-30f)) / double(B);
      probe.changedTop +=
          (argmax(rowOn, vocab) != argmax(rowOff, vocab)) / double(B);
    }
    std::vector<int32_t> prompt(split.begin() + at[0] - T + 1,
                                split.begin() + at[0] + 1);
    probe.prompt = printable(
        prompt, prompt.size() > 40 ? prompt.size() - 40 : 0, prompt.size());
    std::vector<int32_t> withOn =
        continueGreedily(model, router, prompt, generate, -1);
    std::vector<int32_t> withOff =
        continueGreedily(model, router, prompt, generate, probe.routingId);
    probe.continuationOn = printable(withOn, 0, withOn.size());
    probe.continuationOff = printable(withOff, 0, withOff.size());
    probes.push_back(probe);
  }
  return probes;
}
