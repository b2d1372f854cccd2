//===- TextSource.h - corpora read a line or a document at a time ---------===//
//
// The subword corpora are too large to hold as text (WikiText-103's
// training file is 540 MB, a C4 shard set far more): they are read one
// line (WikiText) or one JSON-lines document (C4, peS2o: {"text": ...})
// at a time from a list of files, plain or gzip-compressed, and tokenized
// as they stream by.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_TEXTSOURCE_H
#define SIEVE_MODELS_LM_TEXTSOURCE_H

#include <cstdint>
#include <string>
#include <vector>

namespace sieve::lm {

enum class TextFormat { Lines, JsonLines };

class TextSource {
public:
  /// Reads `files` in order; JSON lines take each document's `field`.
  /// `byteLimit` > 0 stops after that many bytes of text.
  TextSource(std::vector<std::string> files, TextFormat format,
             std::string field = "text", int64_t byteLimit = 0);
  ~TextSource();
  TextSource(const TextSource &) = delete;
  TextSource &operator=(const TextSource &) = delete;

  /// The next non-blank line or document; false at the end. Throws
  /// runtime::Error naming the file and line of a missing file or a
  /// malformed document.
  bool next(std::string &text);

  /// "file:line" of the last text returned.
  std::string where() const;
  int64_t bytesRead() const { return bytes; }

private:
  bool readLine(std::string &line);

  std::vector<std::string> files;
  TextFormat format;
  std::string field;
  int64_t byteLimit, bytes = 0, line = 0;
  size_t fileIndex = 0;
  void *current = nullptr; // gzFile
};

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_TEXTSOURCE_H
