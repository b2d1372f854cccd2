//===- TileCandidates.h - the tuner's search space of tile variants -------===//
//
// `sieve tune` compiles a bundle holding every tile configuration worth
// timing. Configurations that cannot run on the target are pruned before
// anything is compiled, each with the reason: shared memory past what a
// block may have (static for the mma.sync tiles, dynamic for Hopper's
// warpgroup tiles), an estimate of the registers a thread needs past the
// 255 it may have, split-K (atomic adds, whose order varies) in the
// deterministic mode.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOGPU_TILECANDIDATES_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOGPU_TILECANDIDATES_H

#include "compiler/Conversion/SieveToGPU/TiledGemm.h"

#include <string>
#include <vector>

namespace mlir::sieve {

/// What a thread block of the target may have.
struct GpuBlockLimits {
  int64_t staticSharedBytes = kMaxStaticSharedMemoryBytes;
  /// Dynamic shared memory with the kernel's limit raised (opt-in).
  int64_t dynamicSharedBytes = 0;
  int64_t registersPerThread = 255;
  /// Whether bf16/f16 CVMMs run on warpgroup MMA tiles (sm_90a).
  bool wgmma = false;

  /// sm_80: 163 KiB of dynamic shared memory; sm_90a: 227 KiB and wgmma.
  static GpuBlockLimits forChip(StringRef chip);
};

struct TileCandidate {
  GemmTileConfig config;
  /// Why it was pruned; empty for a candidate that is compiled and timed.
  std::string pruned;
};

/// An estimate of the registers a thread of the kernels of `config` needs:
/// its accumulators (32 f32 for an mma.sync warp's 32 x 32 tile; tileN / 2
/// a 64-row warpgroup accumulator) and the fragments, addresses and loop
/// state around them.
int64_t estimatedRegisters(const GemmTileConfig &config, bool wgmma);

/// Why `config` cannot run within `limits` (or, in the deterministic mode,
/// would not run the same twice); empty where it can.
std::string whyPruned(const GemmTileConfig &config,
                      const GpuBlockLimits &limits, bool deterministic);

/// The search space (warps 1x2, 2x1, 2x2, 1x4, 2x4, 4x2; k-tile 16 and 32;
/// 1 to 4 stages; split-K 1 and 4), each configuration with why it is
/// pruned for `limits`, or kept. The compiler's default comes first.
std::vector<TileCandidate> tileCandidates(const GpuBlockLimits &limits,
                                          bool deterministic);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOGPU_TILECANDIDATES_H
