//===- counter-random-dump.cpp - print counter-based random bits ----------===//
//
// Test helper: prints counterBits and the Bernoulli mask for given
// arguments, so that an independent implementation (counter_random.py) can
// be compared with the runtime's.
//
// Usage: counter-random-dump SEED STREAM COUNT KEEP_PROBABILITY
//
//===----------------------------------------------------------------------===//

#include "runtime/Random/CounterRandom.h"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char **argv) {
  if (argc != 5) {
    std::fprintf(
        stderr,
        "usage: counter-random-dump SEED STREAM COUNT KEEP_PROBABILITY\n");
    return 2;
  }
  uint64_t seed = std::strtoull(argv[1], nullptr, 0);
  uint64_t stream = std::strtoull(argv[2], nullptr, 0);
  size_t count = std::strtoull(argv[3], nullptr, 0);
  double p = std::strtod(argv[4], nullptr);
  for (size_t i = 0; i < count; ++i)
    std::printf("%016" PRIx64 "\n",
                sieve::runtime::counterBits(seed, stream, i));
  std::string bits;
  for (bool kept : sieve::runtime::bernoulliMask(seed, stream, count, p))
    bits += kept ? '1' : '0';
  std::printf("mask %s\n", bits.c_str());
  return 0;
}
