//===- CounterRandom.h - counter-based random bits of sieve.bernoulli_mask ===//
//
// The draw of `sieve.bernoulli_mask`, as its ODS description specifies: a
// pure function of (seed, stream, element index), so a mask is the same
// whether the host or a GPU computes it, in any order or tiling. The compiled
// kernels implement the same formula; this is the runtime's reference of it.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_RANDOM_COUNTERRANDOM_H
#define SIEVE_RUNTIME_RANDOM_COUNTERRANDOM_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sieve::runtime {

/// 64 random bits for element `index` of stream `stream` under `seed`
/// (SplitMix64's finaliser over a Weyl sequence). Inline: masks draw one
/// per element.
inline uint64_t counterBits(uint64_t seed, uint64_t stream, uint64_t index) {
  // Unsigned arithmetic wraps modulo 2^64, as the op's description says.
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (index + 1) +
               0xD1B54A32D192ED03ull * stream;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// The integer threshold that keep_probability p becomes: round(p * 2^24).
/// Out-of-range p is clamped to [0, 1].
uint32_t keepThreshold(double keepProbability);

/// Element `index` of a Bernoulli(keepProbability) mask: true = kept.
bool bernoulliKeep(uint64_t seed, uint64_t stream, uint64_t index,
                   double keepProbability);

/// One Bernoulli mask's draws, with the threshold computed once.
struct BernoulliDraw {
  BernoulliDraw(uint64_t seed, uint64_t stream, double keepProbability)
      : seed(seed), stream(stream), threshold(keepThreshold(keepProbability)) {}
  /// Element `index`: true = kept.
  bool keep(uint64_t index) const {
    return (counterBits(seed, stream, index) >> 40) < threshold;
  }
  uint64_t seed, stream;
  uint32_t threshold;
};

/// The mask of `count` consecutive elements starting at `first`.
std::vector<bool> bernoulliMask(uint64_t seed, uint64_t stream, size_t count,
                                double keepProbability, uint64_t first = 0);

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_RANDOM_COUNTERRANDOM_H
