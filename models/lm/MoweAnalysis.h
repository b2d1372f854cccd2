//===- MoweAnalysis.h - what a MoWE model's word experts hold -------------===//
//
// The MoWE paper's Tab. 3/4 analogues for a trained language model:
//
// * deactivation: the validation loss with the experts of rare routing ids
//   (ids >= a threshold; ids are ordered by frequency) turned off, against
//   the loss with frequent ids turned off instead: as many frequent ids,
//   and frequent ids covering as many tokens. An expert is turned off by
//   routing its tokens nowhere (routing id -1: the MoWE layers add zero).
// * word probes: for chosen words, the next-token prediction right after
//   the word, with the word's expert on and off, over the word's
//   occurrences in the validation split, and a greedy continuation of one
//   occurrence both ways.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_MOWEANALYSIS_H
#define SIEVE_MODELS_LM_MOWEANALYSIS_H

#include "models/lm/RoutingVocabulary.h"
#include "models/lm/TransformerXL.h"

#include <string>
#include <vector>

namespace sieve::lm {

/// Routing ids with the ids in [begin, end) of `ids` turned off (-1).
std::vector<int32_t> deactivateIds(const std::vector<int32_t> &routes,
                                   const std::vector<int32_t> &ids);

struct DeactivationRow {
  std::string name;      // "none", "rare (id >= 1024)", ...
  int64_t ids = 0;       // routing ids turned off
  double tokenShare = 0; // of the evaluated tokens, routed to them
  double bitsPerToken = 0;
};

/// Evaluates `model` on the first `segments` segments of `split` with
/// everything on, with the routed ids >= `threshold` off, with as many of
/// the most frequent routed ids off, and with the most frequent routed ids
/// that route as many evaluated tokens as the rare ones off. The second
/// control is left out when there are too few frequent ids.
std::vector<DeactivationRow>
deactivationStudy(TransformerXL &model, const model::MoweFfnConfig &block,
                  const std::vector<int32_t> &split,
                  const std::vector<int32_t> &routes, int64_t batch,
                  int64_t segments, int64_t threshold);

struct WordProbe {
  std::string word;
  int32_t routingId = -1;         // -1: the word is not in the vocabulary
  int64_t occurrences = 0;        // positions routed to the word's id, probed
  double bitsOn = 0, bitsOff = 0; // mean next-token loss there
  double changedTop = 0;          // share whose most likely next token changed
  std::string prompt, continuationOn, continuationOff;
};

/// Probes each word over up to `maxOccurrences` of its occurrences in
/// `split` (with its routing ids `routes`), each read with the `window`
/// tokens before it, and continues the first occurrence greedily by
/// `generate` tokens with the expert on and off.
std::vector<WordProbe> probeWords(TransformerXL &model,
                                  const RoutingVocabulary &vocabulary,
                                  const std::vector<std::string> &words,
                                  const std::vector<int32_t> &split,
                                  const std::vector<int32_t> &routes,
                                  int64_t maxOccurrences, int64_t window,
                                  int64_t generate);

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_MOWEANALYSIS_H
