//===- MoweData.cpp - a MoWE model's routing vocabulary and routing ids ---===//

#include "models/lm/MoweData.h"

#include "models/lm/WordRouter.h"
#include "runtime/Core/Error.h"

#include <chrono>
#include <filesystem>

using namespace sieve;
using namespace sieve::lm;

std::string sieve::lm::routingVocabularyPath(const std::string &run) {
  return run + "/routing-vocabulary.tsv";
}

const model::MoweFfnConfig &
sieve::lm::moweBlock(const model::ModelDescription &d) {
  std::vector<int64_t> layers = model::moweLayers(d);
  if (layers.empty())
    throw runtime::Error(d.name + " has no MoWE layer");
  return std::get<model::MoweFfnConfig>(d.ffn[layers[0]].config);
}

namespace {

void checkAgainst(const RoutingVocabulary &vocabulary,
                  const model::ModelDescription &d, const std::string &path) {
  const model::MoweFfnConfig &block = moweBlock(d);
  if (vocabulary.size() != block.routingVocabSize ||
      vocabulary.maxMatch != d.routing.maxMatch)
    throw runtime::Error(
        path + " has " + std::to_string(vocabulary.size()) +
        " entries and max_match " + std::to_string(vocabulary.maxMatch) + "; " +
        d.file + " asks for routing_vocab_size " +
        std::to_string(block.routingVocabSize) + " and max_match " +
        std::to_string(d.routing.maxMatch));
}

} // namespace

RoutingVocabulary
sieve::lm::runRoutingVocabulary(const model::ModelDescription &d,
                                const Corpus &corpus, const std::string &run,
                                bool build, const std::string &from,
                                std::ostream *log) {
  std::string path = routingVocabularyPath(run);
  if (std::filesystem::exists(path)) {
    RoutingVocabulary vocabulary = RoutingVocabulary::load(path);
    checkAgainst(vocabulary, d, path);
    return vocabulary;
  }
  if (!build)
    throw runtime::Error("the run " + run +
                         " has no routing vocabulary (routing-"
                         "vocabulary.tsv); `sieve train` writes it");
  std::filesystem::create_directories(run);
  if (!from.empty()) {
    RoutingVocabulary vocabulary = RoutingVocabulary::load(from);
    checkAgainst(vocabulary, d, from);
    vocabulary.save(path);
    return vocabulary;
  }
  const model::MoweFfnConfig &block = moweBlock(d);
  std::string words = d.routing.words == "gcide-headwords"
                          ? d.routing.words
                          : model::resolvePath(d, d.routing.words);
  RoutingVocabularyReport report;
  RoutingVocabulary vocabulary = buildRoutingVocabulary(
      readRoutingNames(words), corpus.train, block.routingVocabSize - 256,
      d.routing.maxMatch,
      words + " by frequency in the training split of " + corpus.source,
      &report);
  vocabulary.save(path);
  if (log)
    *log << "routing vocabulary: " << report.words << " words of "
         << report.candidates << " (from " << report.names << " names; "
         << report.inCorpus << " reachable ones occur in the corpus, "
         << report.tooLong << " longer than " << d.routing.maxMatch - 1
         << " letters) + 256 bytes; words route "
         << 100.0 * double(report.routedByWords) /
                double(std::max<int64_t>(1, report.corpusTokens))
         << "% of the training tokens; " << path << "\n";
  return vocabulary;
}

RoutingThroughput sieve::lm::routeCorpus(const RoutingVocabulary &vocabulary,
                                         Corpus &corpus) {
  WordRouter router(vocabulary);
  RoutingThroughput throughput;
  auto start = std::chrono::steady_clock::now();
  corpus.trainRoutes = router.route(corpus.train);
  corpus.validRoutes = router.route(corpus.valid);
  corpus.testRoutes = router.route(corpus.test);
  throughput.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  throughput.tokens = static_cast<int64_t>(
      corpus.train.size() + corpus.valid.size() + corpus.test.size());
  return throughput;
}

std::vector<double>
sieve::lm::bucketTokenShares(const model::MoweFfnConfig &block,
                             const RoutingVocabulary &vocabulary) {
  std::vector<double> shares(block.buckets.size() + 1, 0.0);
  double total = 0;
  for (int64_t id = 0; id < vocabulary.size(); ++id) {
    double count = double(vocabulary.entries[id].count);
    total += count;
    int64_t start = block.numUnrouted;
    if (id < start) {
      shares[0] += count;
      continue;
    }
    for (size_t b = 0; b < block.buckets.size(); ++b) {
      if (id < start + block.buckets[b].routingIds) {
        shares[b + 1] += count;
        break;
      }
      start += block.buckets[b].routingIds;
    }
  }
  for (double &share : shares)
    share = total > 0 ? share / total : 0.0;
  return shares;
}

double sieve::lm::meanActiveWidth(const model::MoweFfnConfig &block,
                                  const RoutingVocabulary &vocabulary) {
  std::vector<double> shares = bucketTokenShares(block, vocabulary);
  double width = 0;
  for (size_t b = 0; b < block.buckets.size(); ++b)
    width += shares[b + 1] * double(block.buckets[b].expertSize);
  return width;
}
