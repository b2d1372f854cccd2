//===- WordRouter.cpp - MoWE routing ids by longest match -----------------===//

#include "models/lm/WordRouter.h"

#include "models/lm/RoutingVocabulary.h"
#include "runtime/Core/Error.h"

#include <algorithm>

using namespace sieve;
using namespace sieve::lm;

namespace {

constexpr uint64_t kSeed = 0xcbf29ce484222325ull;

uint64_t mix(uint64_t state, int32_t value) {
  return (state ^ static_cast<uint32_t>(value)) * 0x100000001b3ull;
}

uint64_t finish(uint64_t state, int64_t length) {
  uint64_t z = state ^ (static_cast<uint64_t>(length) * 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int32_t lower(int32_t token) {
  return token >= 'A' && token <= 'Z' ? token + ('a' - 'A') : token;
}

/// The first element of a sub-sequence of length >= 2.
int32_t boundary(int32_t token) {
  return isSeparatorByte(token) ? int32_t(' ') : lower(token);
}

} // namespace

bool sieve::lm::isSeparatorByte(int32_t token) {
  if (token < 0 || token >= 128)
    return false;
  bool letter =
      (token >= 'a' && token <= 'z') || (token >= 'A' && token <= 'Z');
  bool digit = token >= '0' && token <= '9';
  return !letter && !digit;
}

// Hashed from the last element to the first, so that the router extends a
// key to the left one token at a time.
uint64_t sieve::lm::routingKeyHash(const int32_t *key, int64_t length) {
  uint64_t state = kSeed;
  for (int64_t j = length - 1; j >= 0; --j)
    state = mix(state, key[j]);
  return finish(state, length);
}

WordRouter::WordRouter(const RoutingVocabulary &vocabulary)
    : maxLength(vocabulary.maxMatch) {
  size_t capacity = 16;
  while (capacity < 2 * vocabulary.entries.size() + 2)
    capacity *= 2;
  slots.resize(capacity);
  mask = capacity - 1;
  for (size_t id = 0; id < vocabulary.entries.size(); ++id)
    insert(vocabulary.keyOf(vocabulary.entries[id]), static_cast<int32_t>(id));
}

void WordRouter::insert(const std::vector<int32_t> &key, int32_t id) {
  if (key.empty() || static_cast<int64_t>(key.size()) > maxLength)
    throw runtime::Error("routing entry " + std::to_string(id) + " has " +
                         std::to_string(key.size()) +
                         " tokens; routing matches 1 to " +
                         std::to_string(maxLength));
  uint64_t hash = routingKeyHash(key.data(), key.size());
  if (find(key.data(), key.size(), hash) >= 0)
    throw runtime::Error("routing entry " + std::to_string(id) +
                         " repeats the key of an earlier entry");
  for (uint64_t at = hash & mask;; at = (at + 1) & mask) {
    if (slots[at].id >= 0)
      continue;
    slots[at] = {hash, id, static_cast<uint32_t>(keys.size()),
                 static_cast<uint32_t>(key.size())};
    keys.insert(keys.end(), key.begin(), key.end());
    ++entries;
    return;
  }
}

int32_t WordRouter::find(const int32_t *key, int64_t length,
                         uint64_t hash) const {
  for (uint64_t at = hash & mask;; at = (at + 1) & mask) {
    const Slot &slot = slots[at];
    if (slot.id < 0)
      return -1;
    if (slot.hash != hash || slot.length != length)
      continue;
    bool same = true;
    for (int64_t j = 0; j < length && same; ++j)
      same = keys[slot.offset + j] == key[j];
    if (same)
      return slot.id;
  }
}

int32_t WordRouter::routeAt(const int32_t *tokens, int64_t i) const {
  int32_t key[64];
  int64_t longest = std::min<int64_t>({maxLength, i + 1, int64_t(64)});
  // `tail` holds the normalised tokens after the first, right-aligned in
  // `key`; `state` their hash, extended to the left as k grows.
  uint64_t state = kSeed;
  int32_t best = -1;
  for (int64_t k = 1; k <= longest; ++k) {
    int64_t start = i - k + 1;
    int32_t first = k == 1 ? tokens[i] : boundary(tokens[start]);
    int32_t *sequence = key + 64 - k;
    sequence[0] = first;
    int32_t id = find(sequence, k, finish(mix(state, first), k));
    if (id >= 0)
      best = id;
    // The element just looked up becomes part of the tail of longer keys.
    sequence[0] = lower(tokens[start]);
    state = mix(state, sequence[0]);
  }
  return best;
}

std::vector<int32_t>
WordRouter::route(const std::vector<int32_t> &tokens) const {
  std::vector<int32_t> ids(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i)
    ids[i] = routeAt(tokens.data(), static_cast<int64_t>(i));
  return ids;
}
