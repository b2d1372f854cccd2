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
/// (SplitMix64's finaliser over a Weyl sequence).
uint64_t counterBits(uint64_t seed, uint64_t stream, uint64_t index);

/// The integer threshold that keep_probability p becomes: round(p * 2^24).
/// Out-of-range p is clamped to [0, 1].
uint32_t keepThreshold(double keepProbability);

/// Element `index` of a Bernoulli(keepProbability) mask: true = kept.
bool bernoulliKeep(uint64_t seed, uint64_t stream, uint64_t index,
                   double keepProbability);

/// The mask of `count` consecutive elements starting at `first`.
std::vector<bool> bernoulliMask(uint64_t seed, uint64_t stream, size_t count,
                                double keepProbability, uint64_t first = 0);

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_RANDOM_COUNTERRANDOM_H
