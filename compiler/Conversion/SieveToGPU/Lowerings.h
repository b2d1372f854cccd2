//===- Lowerings.h - sieve primitives as GPU kernels ----------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOGPU_LOWERINGS_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOGPU_LOWERINGS_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

namespace mlir::sieve {

struct GemmTileConfig;

/// Replaces every f32 sieve.cvmm and sieve.cvmm_weight_grad on buffers
/// under `root` by a tiled gpu.launch (see LowerCvmm.cpp).
LogicalResult lowerCvmmsToGpu(Operation *root, const GemmTileConfig &config);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOGPU_LOWERINGS_H
