//===- Lowerings.h - GEMM-shaped ops on buffers to vector loops -----------===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOVECTOR_LOWERINGS_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOVECTOR_LOWERINGS_H

#include "compiler/Conversion/SieveToVector/GemmTunables.h"
#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir::sieve {

/// sieve.cvmm, sieve.cvmm_weight_grad (f32).
void populateCvmmGemmPatterns(RewritePatternSet &patterns,
                              const GemmTunables &tunables);
/// linalg.matmul with plain or transposed operands (f32).
void populateMatmulGemmPatterns(RewritePatternSet &patterns,
                                const GemmTunables &tunables);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOVECTOR_LOWERINGS_H
