//===- TileConfigTest.cpp - the GPU kernels' tile configurations ----------===//
//
// The arithmetic a tuner prunes by: which tile variants exist, what shared
// memory they take, and what form a variant takes on Hopper's warpgroup MMA.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SieveToGPU/TileCandidates.h"
#include "compiler/Conversion/SieveToGPU/TiledGemm.h"
#include "compiler/Conversion/SieveToGPU/WarpgroupGemm.h"

#include <gtest/gtest.h>

using namespace mlir::sieve;

namespace {

GemmTileConfig parsed(const char *text) {
  std::optional<GemmTileConfig> config = GemmTileConfig::parse(text);
  EXPECT_TRUE(config) << text;
  return config.value_or(GemmTileConfig());
}

TEST(GemmTileConfigTest, RoundTripsItsText) {
  for (const char *text : {"2x2x16x1x1", "1x4x32x3x8", "4x2x16x3x4"})
    EXPECT_EQ(parsed(text).str(), text);
  for (const char *text : {"2x2x16", "2x2x16x1x1x1", "axbxcxdxe", "2x2x16x1x"})
    EXPECT_FALSE(GemmTileConfig::parse(text)) << text;
}

TEST(GemmTileConfigTest, SharedMemoryCountsPaddedRowsOfEveryStage) {
  // 4 bytes x stages x (tileM x (kTile + 4) + kTile x (tileN + 8)).
  GemmTileConfig config = parsed("2x2x16x1x1");
  EXPECT_EQ(config.sharedMemoryBytes(), 4 * (64 * 20 + 16 * 72));
  config.stages = 3;
  EXPECT_EQ(config.sharedMemoryBytes(), 3 * 4 * (64 * 20 + 16 * 72));
}

TEST(GemmTileConfigTest, RefusesWhatCannotBeGenerated) {
  EXPECT_EQ(parsed("2x2x16x1x1").invalidReason(), "");
  EXPECT_EQ(parsed("8x8x16x1x1").invalidReason(),
            "at most 32 warps may share a block");
  EXPECT_EQ(parsed("2x2x24x1x1").invalidReason(),
            "k-tile must be a multiple of 16");
  EXPECT_EQ(parsed("2x2x16x5x1").invalidReason(), "stages must be 1 to 4");
  EXPECT_EQ(parsed("2x2x16x1x65").invalidReason(), "split-k must be 1 to 64");
  EXPECT_EQ(parsed("4x4x32x4x1").invalidReason(),
            "its tiles need 143360 bytes of shared memory, more than the "
            "49152 a block may have");
}

TEST(WgmmaTileConfigTest, DoublesTheWarpTileAndKeepsStagesAndSplit) {
  std::optional<WgmmaTileConfig> tiles =
      WgmmaTileConfig::from(parsed("1x4x32x3x2"));
  ASSERT_TRUE(tiles);
  EXPECT_EQ(tiles->tileM, 64);
  EXPECT_EQ(tiles->tileN, 256);
  EXPECT_EQ(tiles->stages, 3);
  EXPECT_EQ(tiles->splitK, 2);
  EXPECT_EQ(tiles->accumulators(), 1);
  EXPECT_EQ(tiles->str(), "wgmma 64x256 stages 3 split-k 2");
  // The k-tile is always 64 (one 128-byte swizzle row of bf16).
  EXPECT_EQ(WgmmaTileConfig::from(parsed("1x4x16x3x2"))->str(), tiles->str());
}

TEST(WgmmaTileConfigTest, SharedMemoryIsTheRingAndItsAlignment) {
  // Per stage: (tileM + tileN) rows of 128 bytes; 1 KiB to align the ring.
  WgmmaTileConfig tiles = *WgmmaTileConfig::from(parsed("2x2x16x1x1"));
  EXPECT_EQ(tiles.stageBytes(), 32768);
  EXPECT_EQ(tiles.sharedMemoryBytes(), 33792);
  tiles = *WgmmaTileConfig::from(parsed("1x4x16x3x1"));
  EXPECT_EQ(tiles.sharedMemoryBytes(), 3 * 40960 + 1024);
  // The largest: four stages of 128 x 128, within Hopper's 227 KiB.
  tiles = *WgmmaTileConfig::from(parsed("2x2x16x4x1"));
  EXPECT_EQ(tiles.sharedMemoryBytes(), 4 * 32768 + 1024);
  EXPECT_LE(tiles.sharedMemoryBytes(), 227 * 1024);
}

TEST(WgmmaTileConfigTest, TilesWithoutAWarpgroupFormHaveNone) {
  // 128 x 256 would take 256 accumulator registers a thread.
  EXPECT_FALSE(WgmmaTileConfig::from(parsed("2x4x16x1x1")));
  // 256 rows; 192 columns (wgmma's n, but not a whole number of TMA boxes).
  EXPECT_FALSE(WgmmaTileConfig::from(parsed("4x2x16x1x1")));
  EXPECT_FALSE(WgmmaTileConfig::from(parsed("1x3x16x1x1")));
  for (const char *text :
       {"1x1x16x1x1", "1x2x16x1x1", "2x1x16x1x1", "2x2x16x1x1", "1x4x16x1x1"})
    EXPECT_TRUE(WgmmaTileConfig::from(parsed(text))) << text;
}

const TileCandidate &candidate(const std::vector<TileCandidate> &candidates,
                               const char *text) {
  for (const TileCandidate &c : candidates)
    if (c.config.str() == text)
      return c;
  ADD_FAILURE() << text << " is not a candidate";
  return candidates.front();
}

size_t kept(const std::vector<TileCandidate> &candidates) {
  size_t n = 0;
  for (const TileCandidate &c : candidates)
    n += c.pruned.empty();
  return n;
}

TEST(TileCandidatesTest, TheDefaultComesFirstAndEveryCandidateIsValid) {
  std::vector<TileCandidate> candidates =
      tileCandidates(GpuBlockLimits::forChip("sm_90a"), false);
  ASSERT_EQ(candidates.size(), 6u * 2 * 4 * 2);
  EXPECT_EQ(candidates.front().config.str(), "2x2x16x1x1");
  EXPECT_EQ(candidates.front().pruned, "");
  for (const TileCandidate &c : candidates) {
    if (c.pruned.empty()) {
      EXPECT_EQ(c.config.invalidReason(), "") << c.config.str();
    }
  }
  // 2x4 warps with a k-tile of 32 in four stages: 104 KiB of static tiles.
  EXPECT_EQ(candidate(candidates, "2x4x32x4x1").pruned,
            "its tiles need 106496 bytes of shared memory, more than the "
            "49152 a block may have");
  EXPECT_EQ(kept(candidates), 68u);
}

TEST(TileCandidatesTest, PrunesByDynamicSharedMemory) {
  GpuBlockLimits limits = GpuBlockLimits::forChip("sm_90a");
  EXPECT_EQ(candidate(tileCandidates(limits, false), "2x2x16x4x1").pruned, "");
  limits.dynamicSharedBytes = 100 * 1024;
  EXPECT_EQ(candidate(tileCandidates(limits, false), "2x2x16x4x1").pruned,
            "its warpgroup tile ring needs 132096 bytes of dynamic shared "
            "memory, more than the block's 102400");
  // Without warpgroup MMA (sm_80) the ring is not there to prune.
  limits.wgmma = false;
  EXPECT_EQ(candidate(tileCandidates(limits, false), "2x2x16x4x1").pruned, "");
}

TEST(TileCandidatesTest, PrunesByRegisters) {
  EXPECT_EQ(estimatedRegisters(parsed("2x2x16x1x1"), /*wgmma=*/true), 128 + 64);
  EXPECT_EQ(estimatedRegisters(parsed("1x2x16x1x1"), /*wgmma=*/true), 64 + 64);
  EXPECT_EQ(estimatedRegisters(parsed("2x2x16x1x1"), /*wgmma=*/false), 96);
  // 2x4 warps have no warpgroup form: mma.sync registers.
  EXPECT_EQ(estimatedRegisters(parsed("2x4x16x1x1"), /*wgmma=*/true), 96);
  GpuBlockLimits limits = GpuBlockLimits::forChip("sm_90a");
  limits.registersPerThread = 160;
  std::vector<TileCandidate> candidates = tileCandidates(limits, false);
  EXPECT_EQ(candidate(candidates, "2x2x16x1x1").pruned,
            "it needs about 192 registers a thread, more than 160");
  EXPECT_EQ(candidate(candidates, "1x2x16x1x1").pruned, "");
}

TEST(TileCandidatesTest, DeterministicModeDropsSplitK) {
  std::vector<TileCandidate> candidates =
      tileCandidates(GpuBlockLimits::forChip("sm_80"), true);
  for (const TileCandidate &c : candidates) {
    if (c.config.splitK > 1) {
      EXPECT_FALSE(c.pruned.empty()) << c.config.str();
    }
  }
  EXPECT_EQ(candidate(candidates, "2x2x16x2x4").pruned,
            "split-K adds atomically, in no fixed order (deterministic mode)");
  EXPECT_EQ(kept(candidates), 34u);
}

} // namespace
