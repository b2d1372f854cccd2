//===- Corpus.h - byte-level corpora, their splits and their batches ------===//
//
// A corpus is read as bytes (the Enwik8 setting of the σ-MoE paper, bits per
// character) and split as Enwik8 is: the first 90M bytes for training, the
// next 5M for validation, the last 5M for test; a corpus under 100M bytes
// is split in the same proportions. The default corpus is GCIDE, the
// dictionary Debian's dict-gcide installs (about 40M bytes of English).
//
// Training reads a split as `batch` contiguous streams, each advanced by one
// segment per step, so that a stream's next segment follows its previous
// one (what the XL memory needs).
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_CORPUS_H
#define SIEVE_MODELS_LM_CORPUS_H

#include <cstdint>
#include <string>
#include <vector>

namespace sieve::lm {

/// Where Debian's dict-gcide installs the dictionary.
constexpr const char *kGcidePath = "/usr/share/dictd/gcide.dict.dz";

struct Corpus {
  std::string source;
  std::vector<int32_t> train, valid, test;
  /// For MoWE models: every token's routing id, split by split (empty
  /// otherwise; models/lm/MoweData.h fills them).
  std::vector<int32_t> trainRoutes, validRoutes, testRoutes;
};

/// Reads `corpus` ("gcide" or a file path, gzip-compressed or not) as
/// bytes, keeping the first `limit` bytes when `limit` > 0, and splits it.
/// Throws runtime::Error saying what is missing.
Corpus loadByteCorpus(const std::string &corpus, int64_t limit = 0);

/// The Enwik8 split of `bytes` into a Corpus.
Corpus splitCorpus(std::vector<int32_t> bytes, std::string source);

/// `batch` streams over a split, stepped one segment at a time.
class SegmentStream {
public:
  SegmentStream(const std::vector<int32_t> &split, int64_t batch,
                int64_t context);

  /// The inputs and targets (batch x context each) of segment `step`;
  /// returns true when the segment starts a new pass over the streams (the
  /// memory is then stale and should be emptied).
  bool segment(int64_t step, std::vector<int32_t> &inputs,
               std::vector<int32_t> &targets) const;
  /// The routing ids of segment `step`'s inputs, from `routes` (the
  /// split's routing ids, token for token).
  void routes(int64_t step, const std::vector<int32_t> &routes,
              std::vector<int32_t> &ids) const;
  /// Segments per pass.
  int64_t segmentsPerPass() const { return segments; }

private:
  const std::vector<int32_t> &split;
  int64_t batch, context, streamLength, segments;
};

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_CORPUS_H
