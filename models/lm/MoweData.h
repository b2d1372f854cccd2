//===- MoweData.h - a MoWE model's routing vocabulary and routing ids -----===//
//
// The data pipeline of a MoWE language model: the run's routing vocabulary
// (built once on the training split from the description's routing section,
// kept in the run as routing-vocabulary.tsv so evaluation and analysis
// route exactly as training did), every split's routing ids computed once,
// causally, before the first step, and what the routing implies for the
// MoWE block: the share of tokens each frequency bucket processes, hence
// the expert width a token sees on average (the block's active FLOPs).
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_MOWEDATA_H
#define SIEVE_MODELS_LM_MOWEDATA_H

#include "models/lm/Corpus.h"
#include "models/lm/RoutingVocabulary.h"

#include "frontends/ModelDescription/ModelDescription.h"

#include <ostream>

namespace sieve::lm {

/// The file a run keeps its routing vocabulary in.
std::string routingVocabularyPath(const std::string &run);

/// The MoWE block of `d` (the reader checks that all are equal); throws
/// runtime::Error when there is none.
const model::MoweFfnConfig &moweBlock(const model::ModelDescription &d);

/// The run's routing vocabulary. An existing <run>/routing-vocabulary.tsv
/// is loaded; otherwise, when `build`, the one of `from` (another run's
/// file, for fine-tuning) is copied, or a new one is built from the
/// description and `corpus`'s training split; either is saved in the run.
/// Checked against the description's routing_vocab_size and max_match.
/// Throws runtime::Error.
RoutingVocabulary runRoutingVocabulary(const model::ModelDescription &d,
                                       const Corpus &corpus,
                                       const std::string &run, bool build,
                                       const std::string &from,
                                       std::ostream *log);

struct RoutingThroughput {
  int64_t tokens = 0;
  double seconds = 0;
  double tokensPerSecond() const { return seconds > 0 ? tokens / seconds : 0; }
};

/// Fills the routing ids of every split of `corpus`.
RoutingThroughput routeCorpus(const RoutingVocabulary &vocabulary,
                              Corpus &corpus);

/// The share of the vocabulary's counted tokens that are unrouted (first)
/// and that each bucket of `block` processes (then, in order).
std::vector<double> bucketTokenShares(const model::MoweFfnConfig &block,
                                      const RoutingVocabulary &vocabulary);
/// The expert width (MLP size) a token meets on average: the sum over
/// buckets of their token share times their expert size. A MoWE block's
/// multiply-adds per token are 2 d_model times this.
double meanActiveWidth(const model::MoweFfnConfig &block,
                       const RoutingVocabulary &vocabulary);

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_MOWEDATA_H
