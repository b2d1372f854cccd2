//===- Lowerings.h - sieve primitives as GPU kernels ----------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOGPU_LOWERINGS_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOGPU_LOWERINGS_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

namespace mlir::sieve {

struct GemmTileConfig;

/// Replaces every sieve.cvmm and sieve.cvmm_weight_grad on buffers under
/// `root` by a tiled gpu.launch: with `wgmma` (sm_90a), those on bf16 or
/// f16 buffers by warpgroup MMA kernels (LowerCvmmWgmma.cpp) where they
/// apply, the others by mma.sync / FMA tiles (LowerCvmm.cpp).
LogicalResult lowerCvmmsToGpu(Operation *root, const GemmTileConfig &config,
                              bool wgmma);

/// Lowers a bf16 or f16 sieve.cvmm (whose weight TMA can read) or
/// sieve.cvmm_weight_grad to a warpgroup MMA kernel in front of it; false,
/// leaving it, when it does not apply.
bool lowerCvmmToWgmma(Operation *op);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOGPU_LOWERINGS_H
