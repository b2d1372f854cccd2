//===- Parallel.h - splitting independent work over the cores -------------===//
//
// The model's own loops (attention per batch stream and head) run on every
// core: the compiled kernels do so through OpenMP, and OpenBLAS is kept to
// the calling thread (see TransformerXL.cpp), so the small per-head GEMMs
// run side by side instead of waking a pool for each. Chunks are disjoint
// and fixed by the count alone: results do not depend on scheduling.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_PARALLEL_H
#define SIEVE_MODELS_LM_PARALLEL_H

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

namespace sieve::lm {

/// Calls body(begin, end) on contiguous chunks covering [0, count), one
/// chunk per core, and waits for all of them.
template <typename Body> void parallelChunks(int64_t count, const Body &body) {
  int64_t workers = std::clamp<int64_t>(std::thread::hardware_concurrency(), 1,
                                        std::max<int64_t>(count, 1));
  if (workers <= 1) {
    body(int64_t{0}, count);
    return;
  }
  std::vector<std::thread> threads;
  for (int64_t w = 1; w < workers; ++w)
    threads.emplace_back(
        [&, w] { body(count * w / workers, count * (w + 1) / workers); });
  body(int64_t{0}, count / workers);
  for (std::thread &thread : threads)
    thread.join();
}

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_PARALLEL_H
