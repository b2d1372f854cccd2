//===- RoutingVocabulary.h - MoWE's knowledge-rich routing vocabulary -----===//
//
// The offline half of MoWE's routing (MoWE paper Sec. 2.4). From a
// knowledge-rich list of names (the paper: Wikidata's entity and relation
// names; here by default the headwords of the dictionary the default corpus
// is, dict-gcide's index) and a corpus:
//
//   1. lower-case every name and split it on white space and punctuation;
//   2. order the words by their frequency in the corpus;
//   3. keep the top N of those a routing match can reach (a word is keyed as
//      " word", so at most max_match - 1 letters);
//   4. append the default tokenizer's vocabulary (the 256 bytes), so that
//      every token has a routing id.
//
// Routing ids are then numbered by how many of the corpus's tokens each
// entry routes (most first), so that ids are ordered by frequency as
// `sieve.mowe_ffn` expects: its unrouted ids are the most frequent, its
// frequency buckets hold ids of similar frequency.
//
// The vocabulary is saved as a text file, one entry per line in id order,
// written atomically and read back with every line checked.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_ROUTINGVOCABULARY_H
#define SIEVE_MODELS_LM_ROUTINGVOCABULARY_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sieve::lm {

/// Where Debian's dict-gcide installs its index (one headword per line).
constexpr const char *kGcideIndexPath = "/usr/share/dictd/gcide.index";

/// The lower-cased words of `text`, split on white space and ASCII
/// punctuation (WordRouter.h's separators).
std::vector<std::string> splitWords(std::string_view text);

struct RoutingEntry {
  enum class Kind { Word, Token };
  Kind kind = Kind::Token;
  /// The word (lower case), or the byte the token stands for.
  std::string word;
  int32_t token = 0;
  /// Tokens of the corpus the vocabulary was built on that route here.
  int64_t count = 0;
};

struct RoutingVocabulary {
  /// By routing id.
  std::vector<RoutingEntry> entries;
  int64_t maxMatch = 8;
  /// Where the words and the frequencies came from (one line).
  std::string source;

  int64_t size() const { return static_cast<int64_t>(entries.size()); }
  /// The token sequence an entry is looked up by: " word" as bytes, or the
  /// token alone.
  std::vector<int32_t> keyOf(const RoutingEntry &entry) const;
  /// The entry's text for people: the word, or the byte escaped.
  static std::string display(const RoutingEntry &entry);

  /// Writes the vocabulary (to a temporary file, then renamed); throws
  /// runtime::Error.
  void save(const std::string &path) const;
  /// Reads a saved vocabulary; throws runtime::Error naming the file, the
  /// line and what is wrong with it.
  static RoutingVocabulary load(const std::string &path);
};

/// What building a vocabulary found.
struct RoutingVocabularyReport {
  int64_t names = 0;      // names read
  int64_t candidates = 0; // distinct words of the names
  int64_t tooLong = 0;    // candidates longer than a match can reach
  int64_t inCorpus = 0;   // reachable candidates the corpus contains
  int64_t words = 0;      // words kept
  int64_t routedByWords = 0, corpusTokens = 0; // tokens routed to words
  double routeSeconds = 0;                     // routing the corpus once
};

/// Builds the vocabulary of `words` words (see the file comment) from
/// `names` and the byte corpus `corpus`. Throws runtime::Error when fewer
/// than `words` reachable words exist.
RoutingVocabulary buildRoutingVocabulary(const std::vector<std::string> &names,
                                         const std::vector<int32_t> &corpus,
                                         int64_t words, int64_t maxMatch,
                                         std::string source,
                                         RoutingVocabularyReport *report);

/// The headwords of a dictd index file (dict-gcide's by default), without
/// the database's own "00-..." entries.
std::vector<std::string> readDictionaryHeadwords(const std::string &path);
/// `words` as a description names it: "gcide-headwords" or a file of names,
/// one per line.
std::vector<std::string> readRoutingNames(const std::string &words);

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_ROUTINGVOCABULARY_H
