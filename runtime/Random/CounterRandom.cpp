//===- CounterRandom.cpp - counter-based random bits ----------------------===//

#include "runtime/Random/CounterRandom.h"

#include <cmath>

using namespace sieve::runtime;

uint32_t sieve::runtime::keepThreshold(double keepProbability) {
  if (!(keepProbability > 0.0))
    return 0;
  if (keepProbability >= 1.0)
    return 1u << 24;
  return static_cast<uint32_t>(std::llround(keepProbability * (1u << 24)));
}

bool sieve::runtime::bernoulliKeep(uint64_t seed, uint64_t stream,
                                   uint64_t index, double keepProbability) {
  return (counterBits(seed, stream, index) >> 40) <
         keepThreshold(keepProbability);
}

std::vector<bool> sieve::runtime::bernoulliMask(uint64_t seed, uint64_t stream,
                                                size_t count,
                                                double keepProbability,
                                                uint64_t first) {
  std::vector<bool> mask(count);
  uint32_t threshold = keepThreshold(keepProbability);
  for (size_t i = 0; i < count; ++i)
    mask[i] = (counterBits(seed, stream, first + i) >> 40) < threshold;
  return mask;
}
