//===- TiledGemm.h - a block-tiled GEMM skeleton for GPU kernels ----------===//
//
// CVMM and its weight gradient are grouped GEMMs: each thread block owns a
// (tileM x tileN) tile of one expert's output and walks the reduction in
// steps of kTile, staging an A tile (tileM x kTile) and a B tile
// (kTile x tileN) in shared memory. Warps are laid out warpsM x warpsN and
// each computes a 32 x 32 sub-tile as 2 x 4 fragments of 16 x 8, in
// registers, with the ownership of the tensor cores' m16n8k8 accumulator
// (lane l holds rows l/4 and l/4 + 8, columns 2(l%4) and 2(l%4) + 1):
//   - tf32: nvgpu.mma.sync m16n8k8 on the tensor cores (sm_80 and later),
//     inputs read as TF32 (10-bit mantissa), sums in f32;
//   - f16, bf16: mma.sync m16n8k16, operands rounded to f16 or bf16 as
//     the fragments are built from the f32 tiles, sums in f32 (nvgpu for
//     f16; nvvm.mma.sync for bf16, which nvgpu does not lower);
//   - f32: the same fragments as vector.outerproduct FMAs, exact f32.
// What is loaded into the tiles and where results go is the caller's.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOGPU_TILEDGEMM_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOGPU_TILEDGEMM_H

#include "compiler/Conversion/SieveToSCF/LoopBuilder.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"

#include <functional>
#include <optional>

namespace mlir::sieve {

enum class GemmPrecision { F32, TF32, F16, BF16 };

/// "f32", "tf32", "f16", "bf16", or none for another name.
std::optional<GemmPrecision> parseGemmPrecision(StringRef name);

struct GemmTileConfig {
  int64_t warpsM = 2, warpsN = 2, kTile = 16;
  GemmPrecision precision = GemmPrecision::F32;
  /// The reduction steps one tensor-core instruction takes (1: FMAs).
  int64_t kStep() const {
    return precision == GemmPrecision::F32    ? 1
           : precision == GemmPrecision::TF32 ? 8
                                              : 16;
  }

  int64_t tileM() const { return 32 * warpsM; }
  int64_t tileN() const { return 32 * warpsN; }
  int64_t threads() const { return 32 * warpsM * warpsN; }
  /// Shared-memory row lengths, padded so that fragment reads of a warp hit
  /// 32 different banks.
  int64_t aStride() const { return kTile + 4; }
  int64_t bStride() const { return tileN() + 8; }
};

/// The thread's coordinates and its fragment of the block's tile.
class TiledGemm {
public:
  /// Creates a gpu.launch of `grid` blocks with the config's threads and
  /// the two shared tiles; `body` builds the kernel inside it.
  static gpu::LaunchOp
  launch(LoopBuilder &b, const GemmTileConfig &config,
         std::array<Value, 3> grid,
         function_ref<void(LoopBuilder &, TiledGemm &)> body);

  const GemmTileConfig &config() const { return cfg; }
  gpu::LaunchOp op() const { return launchOp; }
  Value threadId() const { return tid; }
  Value aTile() const { return as; }
  Value bTile() const { return bs; }

  /// Fills both tiles: `loadA(b, row, k)` and `loadB(b, k, column)` give
  /// the value at a tile position (0 outside the operands); `aRowFastest`
  /// and `bColumnFastest` choose which index consecutive threads take
  /// (the one contiguous in memory, for coalesced loads).
  using TileLoad = function_ref<Value(LoopBuilder &, Value, Value)>;
  void fillTiles(LoopBuilder &b, TileLoad loadA, bool aRowFastest,
                 TileLoad loadB, bool bColumnFastest);

  /// Zero accumulators: one vector<2x2xf32> per 16 x 8 fragment.
  SmallVector<Value> zeroAccumulators(LoopBuilder &b);
  /// Accumulates the staged tiles' product into `accumulators`.
  SmallVector<Value> multiplyTiles(LoopBuilder &b, ValueRange accumulators);
  /// Calls `store(b, row, column, value)` for each element the thread
  /// holds, at tile coordinates.
  void
  forEachResult(LoopBuilder &b, ValueRange accumulators,
                function_ref<void(LoopBuilder &, Value, Value, Value)> store);
  /// A barrier of the block's threads.
  void barrier(LoopBuilder &b);

private:
  SmallVector<Value> multiplyHalfTiles(LoopBuilder &b, ValueRange accumulators);

  GemmTileConfig cfg;
  gpu::LaunchOp launchOp;
  Value tid, group, lane4, warpRow, warpColumn, as, bs;
};

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOGPU_TILEDGEMM_H
