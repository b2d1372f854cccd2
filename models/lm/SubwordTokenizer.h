//===- SubwordTokenizer.h - SentencePiece models, trained and applied -----===//
//
// The WikiText-103 models of the σ-MoE paper read an 8000-piece
// SentencePiece vocabulary. Sieve trains one (unigram, Debian's
// libsentencepiece) from a streamed training split, writes it atomically,
// and encodes text with it; every line or document ends with the model's
// end-of-sentence piece, so the language model sees the boundaries.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_SUBWORDTOKENIZER_H
#define SIEVE_MODELS_LM_SUBWORDTOKENIZER_H

#include "models/lm/TextSource.h"

#include <memory>
#include <string>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace sieve::lm {

class SubwordTokenizer {
public:
  /// Loads the model at `path`; throws runtime::Error when it is missing,
  /// not a SentencePiece model, or its vocabulary is not `vocabSize`.
  SubwordTokenizer(const std::string &path, int64_t vocabSize);
  ~SubwordTokenizer();

  /// Trains a `vocabSize`-piece model on at most `maxLines` lines of
  /// `source` (documents are split at newlines) and writes it to `path`
  /// atomically. Throws runtime::Error.
  static void train(TextSource &source, const std::string &path,
                    int64_t vocabSize, int64_t maxLines);

  /// Appends the pieces of `text` and the end-of-sentence piece.
  void encode(const std::string &text, std::vector<int32_t> &ids) const;
  std::string decode(const std::vector<int32_t> &ids) const;
  int64_t vocabSize() const;
  /// SHA-256 of the model file: what encoded token files are keyed on.
  const std::string &fingerprint() const { return sha256; }

private:
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor;
  std::string sha256;
  int32_t endOfSentence;
};

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_SUBWORDTOKENIZER_H
