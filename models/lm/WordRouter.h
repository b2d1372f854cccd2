//===- WordRouter.h - MoWE routing ids by longest match -------------------===//
//
// The online half of MoWE's routing tokenisation (MoWE paper Sec. 2.4): a
// hash table from sequences of default-tokenizer ids to routing ids, and
// the routing id of token i = the id of the longest sub-sequence ending at
// i, of length 1 to max_match, that is in the table. Only tokens at or
// before i are read, so routing is causal and serves autoregressive models.
//
// Keys are compared after a fixed normalisation of the byte tokenizer's
// ids, which makes routing case-insensitive and lets a word follow any
// separator: in a sub-sequence of length >= 2, letters are lower-cased and
// a separator byte in the first place (white space, ASCII punctuation)
// reads as a space; a sub-sequence of length 1 is the token itself. The
// vocabulary's words are keyed as " word" (see RoutingVocabulary.h), so a
// word's id is assigned at its last byte, when the word started after a
// separator, and a prefix of a longer word gets the id of the word it
// spells so far (what an autoregressive model can know).
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_WORDROUTER_H
#define SIEVE_MODELS_LM_WORDROUTER_H

#include <cstdint>
#include <vector>

namespace sieve::lm {

class RoutingVocabulary;

/// True for the bytes that separate words: ASCII white space, punctuation
/// and control characters. Letters, digits and bytes >= 0x80 (UTF-8) make
/// up words.
bool isSeparatorByte(int32_t token);

class WordRouter {
public:
  /// The longest sub-sequence considered (the paper's 8 when 0 is given:
  /// the vocabulary's own max_match is used).
  explicit WordRouter(const RoutingVocabulary &vocabulary);

  /// The routing id of tokens[i], looking at tokens[max(0, i-max+1) .. i]
  /// only; -1 when nothing matches (a token outside the byte range).
  int32_t routeAt(const int32_t *tokens, int64_t i) const;
  /// The routing id of every token of `tokens`, in order.
  std::vector<int32_t> route(const std::vector<int32_t> &tokens) const;

  int64_t maxMatch() const { return maxLength; }
  int64_t size() const { return entries; }

private:
  struct Slot {
    uint64_t hash = 0;
    int32_t id = -1;
    uint32_t offset = 0, length = 0;
  };
  /// The id stored for the normalised key, or -1.
  int32_t find(const int32_t *key, int64_t length, uint64_t hash) const;
  void insert(const std::vector<int32_t> &key, int32_t id);

  std::vector<Slot> slots;
  std::vector<int32_t> keys; // every stored key, back to back
  uint64_t mask = 0;
  int64_t maxLength = 8, entries = 0;
};

/// The hash of a normalised key (exposed for the tests of collisions).
uint64_t routingKeyHash(const int32_t *key, int64_t length);

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_WORDROUTER_H
