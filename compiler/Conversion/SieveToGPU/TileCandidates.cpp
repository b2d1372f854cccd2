//===- TileCandidates.cpp - the tuner's search space of tile variants -----===//

#include "compiler/Conversion/SieveToGPU/TileCandidates.h"

#include "compiler/Conversion/SieveToGPU/WarpgroupGemm.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

/// Registers besides the accumulators: operand fragments, tile addresses,
/// loop counters, the row and column being stored.
constexpr int64_t kOtherRegisters = 64;

} // namespace

GpuBlockLimits GpuBlockLimits::forChip(StringRef chip) {
  GpuBlockLimits limits;
  if (chip == "sm_90a") {
    limits.dynamicSharedBytes = 227 * 1024;
    limits.wgmma = true;
  } else {
    limits.dynamicSharedBytes = 163 * 1024;
  }
  return limits;
}

int64_t mlir::sieve::estimatedRegisters(const GemmTileConfig &config,
                                        bool wgmma) {
  if (wgmma) {
    if (std::optional<WgmmaTileConfig> tiles = WgmmaTileConfig::from(config))
      return tiles->accumulators() * tiles->tileN / 2 + kOtherRegisters;
  }
  // A warp's 32 x 32 tile over 32 lanes.
  return 32 + kOtherRegisters;
}

std::string mlir::sieve::whyPruned(const GemmTileConfig &config,
                                   const GpuBlockLimits &limits,
                                   bool deterministic) {
  std::string invalid = config.invalidReason();
  if (!invalid.empty())
    return invalid;
  if (config.sharedMemoryBytes() > limits.staticSharedBytes)
    return "its mma.sync tiles need " +
           std::to_string(config.sharedMemoryBytes()) +
           " bytes of static shared memory, more than the block's " +
           std::to_string(limits.staticSharedBytes);
  std::optional<WgmmaTileConfig> wgmma =
      limits.wgmma ? WgmmaTileConfig::from(config) : std::nullopt;
  if (wgmma && wgmma->sharedMemoryBytes() > limits.dynamicSharedBytes)
    return "its warpgroup tile ring needs " +
           std::to_string(wgmma->sharedMemoryBytes()) +
           " bytes of dynamic shared memory, more than the block's " +
           std::to_string(limits.dynamicSharedBytes);
  int64_t registers = estimatedRegisters(config, limits.wgmma);
  if (registers > limits.registersPerThread)
    return "it needs about " + std::to_string(registers) +
           " registers a thread, more than " +
           std::to_string(limits.registersPerThread);
  if (deterministic && config.splitK > 1)
    return "split-K adds atomically, in no fixed order (deterministic mode)";
  return "";
}

std::vector<TileCandidate>
mlir::sieve::tileCandidates(const GpuBlockLimits &limits, bool deterministic) {
  static constexpr std::pair<int64_t, int64_t> warps[] = {
      {2, 2}, {1, 2}, {2, 1}, {1, 4}, {2, 4}, {4, 2}};
  std::vector<TileCandidate> candidates;
  for (auto [warpsM, warpsN] : warps)
    for (int64_t kTile : {16, 32})
      for (int64_t stages = 1; stages <= 4; ++stages)
        for (int64_t splitK : {1, 4}) {
          TileCandidate candidate;
          candidate.config.warpsM = warpsM;
          candidate.config.warpsN = warpsN;
          candidate.config.kTile = kTile;
          candidate.config.stages = stages;
          candidate.config.splitK = splitK;
          candidate.pruned = whyPruned(candidate.config, limits, deterministic);
          candidates.push_back(candidate);
        }
  return candidates;
}
