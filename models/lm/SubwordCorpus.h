//===- SubwordCorpus.h - subword corpora, tokenized once and cached -------===//
//
// A description with a sentencepiece tokenizer reads WikiText-103 (its
// wiki.{train,valid,test}.tokens) or JSON-lines files (C4, peS2o). The
// first use trains the tokenizer when its model file does not exist, then
// encodes every split, streaming its text, into a token file under the
// cache (<cache>/tokens/<key>.tokens). The key covers the tokenizer's
// SHA-256, the files (path, size, modification time), the text field and
// the limit, so a changed input is encoded again; a damaged token file
// (its SHA-256 is in its header) is encoded again with a note.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_SUBWORDCORPUS_H
#define SIEVE_MODELS_LM_SUBWORDCORPUS_H

#include "frontends/ModelDescription/ModelDescription.h"
#include "models/lm/Corpus.h"

#include <ostream>

namespace sieve::lm {

/// The description's splits as token ids; notes (training the tokenizer,
/// encoding a split, a damaged cache entry) go to `log`. Throws
/// runtime::Error naming the file at fault.
Corpus loadSubwordCorpus(const model::ModelDescription &d,
                         const std::string &cacheDirectory, std::ostream &log);

/// The files of each split, resolved against the description's folder;
/// throws runtime::Error when a WikiText-103 file is missing.
struct SplitFiles {
  std::vector<std::string> train, valid, test;
};
SplitFiles splitFiles(const model::ModelDescription &d);

/// The tokenizer model's path, resolved against the description's folder.
std::string tokenizerPath(const model::ModelDescription &d);

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_SUBWORDCORPUS_H
