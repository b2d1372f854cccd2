//===- Initialization.h - the papers' parameter initialisation ------------===//
//
// Deterministic (counter-based Gaussian draws from one seed) initialisation:
//
//  - embedding, attention projections, output: N(0, 1/sqrt(fan-in));
//    attention biases u, v and layer-norm biases 0, layer-norm gains 1;
//  - dense and top-K blocks: W1 ~ N(0, s/sqrt(d_model)), W2 ~ N(0,
//    s/sqrt(d_ff)) with s = sqrt(2 / layers) (σ-MoE paper Sec. 5);
//  - σ-MoE blocks (init: sigma_moe): the experts as the parameter-equal
//    dense block (W2's fan-in N_E G), the selection W3 ~ N(0,
//    1/sqrt(d_model)) with every expert's column rescaled to the columns'
//    mean norm (equal norms, the same std); init: standard uses each
//    expert's own fan-in G for W2;
//  - PKM: sub-keys N(0, 1/sqrt(d_model / 2)); values N(0, s/sqrt(heads K)),
//    or with dense_init as a dense W2 of S^2 rows (App. A.3's "+init").
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_INITIALIZATION_H
#define SIEVE_MODELS_LM_INITIALIZATION_H

#include "models/lm/Parameters.h"

#include "frontends/ModelDescription/ModelDescription.h"

namespace sieve::lm {

void initializeParameters(Parameters &params,
                          const model::ModelDescription &description,
                          uint64_t seed);

/// A standard normal draw that is a pure function of (seed, stream, index).
double gaussian(uint64_t seed, uint64_t stream, uint64_t index);

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_INITIALIZATION_H
