//===- DropoutSites.h - the counter-RNG streams of the model's dropouts ---===//
//
// Every dropout mask is a pure function of (step seed, stream, element):
// the host model and the device program draw the same masks from these.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_DROPOUTSITES_H
#define SIEVE_MODELS_LM_DROPOUTSITES_H

#include <cstdint>

namespace sieve::lm {

enum DropoutSite : uint64_t {
  kEmbeddingDropout = 1,
  kAttentionDropout,
  kAttentionOutDropout,
  kFfnOutDropout
};

/// The stream of `site` in `layer` (-1: before the first layer).
inline uint64_t dropoutStream(int64_t layer, DropoutSite site) {
  return uint64_t(layer + 1) * 16 + site;
}

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_DROPOUTSITES_H
