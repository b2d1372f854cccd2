//===- Lowerings.h - sieve primitives as GPU kernels ----------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOGPU_LOWERINGS_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOGPU_LOWERINGS_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace mlir::sieve {

struct GemmTileConfig;
struct WgmmaTileConfig;

/// Replaces every sieve.cvmm and sieve.cvmm_weight_grad on buffers under
/// `root` by a tiled gpu.launch: with `wgmma` (sm_90a), those on bf16 or
/// f16 buffers by warpgroup MMA kernels (LowerCvmmWgmma.cpp) where they
/// apply, the others by mma.sync / FMA tiles (LowerCvmm.cpp).
LogicalResult lowerCvmmsToGpu(Operation *root, const GemmTileConfig &config,
                              bool wgmma);

/// The warpgroup MMA tiles a sieve.cvmm or sieve.cvmm_weight_grad runs on
/// under tile variant `config` on sm_90a: where its operands are bf16 or
/// f16, a cvmm's weight can be read by TMA and the variant's tile has a
/// warpgroup form; none otherwise (the mma.sync kernel).
std::optional<WgmmaTileConfig> wgmmaTilesFor(Operation *op,
                                             const GemmTileConfig &config);

/// Lowers `op` to a warpgroup MMA kernel in front of it (wgmmaTilesFor).
void lowerCvmmToWgmma(Operation *op, const WgmmaTileConfig &config);

/// What of tile variant `config` the kernel of the sieve.cvmm or
/// sieve.cvmm_weight_grad `op` uses: two variants with equal keys give it
/// the same kernel (split-K only splits weight gradients; 16-bit operands
/// on mma.sync tiles take one stage; warpgroup tiles have their own form).
std::string kernelTilesKey(Operation *op, const GemmTileConfig &config,
                           bool wgmma);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOGPU_LOWERINGS_H
