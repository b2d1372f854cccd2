//===- RandomInputs.h - random arguments for a bundle's functions ---------===//
//
// The GPU suite and the tuner run functions on drawn inputs: floats from
// N(0, 0.5) (rounded to bf16/f16 for 16-bit tensors), integer ids uniform
// in [0, 64), and MoWE routing ids log-uniform over the vocabulary, so
// that the unrouted ids and every frequency bucket get tokens.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_BUNDLE_RANDOMINPUTS_H
#define SIEVE_RUNTIME_BUNDLE_RANDOMINPUTS_H

#include "runtime/Bundle/Manifest.h"
#include "runtime/Core/Tensor.h"

#include <random>

namespace sieve::runtime {

/// An input for `spec` at `tokens` tokens; routing ids (an i32 argument
/// named "routing_ids") are below `vocabulary`. Throws Error for a dtype
/// it cannot draw.
Tensor randomInput(const ArgSpec &spec, int64_t tokens, std::mt19937 &rng,
                   int64_t vocabulary = 8192);

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_BUNDLE_RANDOMINPUTS_H
