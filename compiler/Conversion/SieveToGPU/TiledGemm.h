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
// With `stages` > 1 the tiles are a ring of `stages` buffers filled by
// cp.async (nvgpu.device_async_copy, 4 bytes a thread, zero-filled outside
// the operands): the loads of `stages` - 1 reduction steps are in flight
// while the tensor cores work on the current one.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOGPU_TILEDGEMM_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOGPU_TILEDGEMM_H

#include "compiler/Conversion/SieveToSCF/LoopBuilder.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"

#include <functional>
#include <optional>
#include <string>

namespace mlir::sieve {

enum class GemmPrecision { F32, TF32, F16, BF16 };

/// "f32", "tf32", "f16", "bf16", or none for another name.
std::optional<GemmPrecision> parseGemmPrecision(StringRef name);

struct GemmTileConfig {
  int64_t warpsM = 2, warpsN = 2, kTile = 16;
  GemmPrecision precision = GemmPrecision::F32;
  /// Shared-memory buffers in the reduction's pipeline (1: synchronous
  /// loads, 2 to 4: cp.async with that many steps staged).
  int64_t stages = 1;
  /// Weight gradients: blocks sharing one expert's reduction, each adding
  /// its part atomically (1: one block, in order, deterministic).
  int64_t splitK = 1;
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
  /// The block's static shared memory.
  int64_t sharedMemoryBytes() const {
    return 4 * stages * (tileM() * aStride() + kTile * bStride());
  }
  /// Why the kernels cannot be generated with this configuration (tile
  /// shape, threads, the 48 KiB of static shared memory a block may have),
  /// or empty when they can.
  std::string invalidReason() const;
  /// "warps_m x warps_n x k_tile x stages x split_k", e.g. "2x2x16x1x1".
  std::string str() const;
  /// Parses str()'s form (the precision is not part of it).
  static std::optional<GemmTileConfig> parse(StringRef text);
};

/// The function attribute that holds a function's tile configuration
/// (GemmTileConfig::str()), and the one that names the entry point a copy is
/// a variant of (sieve-expand-gpu-tile-variants).
constexpr StringLiteral kGpuTilesAttrName = "sieve.gpu_tiles";
constexpr StringLiteral kVariantOfAttrName = "sieve.variant_of";

/// The most static shared memory a thread block may declare.
constexpr int64_t kMaxStaticSharedMemoryBytes = 48 * 1024;

/// One operand of a tiled reduction: element (row, column) of the tile of
/// reduction step `step`.
struct TileOperand {
  using At =
      std::function<Value(LoopBuilder &, Value step, Value row, Value column)>;
  /// Whether the element lies inside the operand; must not read memory
  /// (pipelined loads evaluate it for steps past the end).
  At inBounds;
  /// The element's memref and indices; evaluated only where inBounds holds
  /// (pipelined loads replace other positions by (first step, 0, 0)).
  std::function<std::pair<Value, SmallVector<Value>>(LoopBuilder &, Value,
                                                     Value, Value)>
      address;
  /// Which index consecutive threads take: rows, or columns (the one
  /// contiguous in memory gives coalesced loads).
  bool rowFastest = false;
  /// A factor the element is multiplied by once staged, or null.
  At scale = nullptr;
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

  /// The accumulators of the product of A (tileM x kTile per step) and B
  /// (kTile x tileN per step) over reduction steps [firstStep, endStep),
  /// from zero. With more than one stage the caller must make sure
  /// (firstStep, 0, 0) is inside both operands when the range is not empty.
  SmallVector<Value> accumulate(LoopBuilder &b, Value firstStep, Value endStep,
                                const TileOperand &a, const TileOperand &bOp);
  /// Calls `store(b, row, column, value)` for each element the thread
  /// holds, at tile coordinates.
  void
  forEachResult(LoopBuilder &b, ValueRange accumulators,
                function_ref<void(LoopBuilder &, Value, Value, Value)> store);
  /// A barrier of the block's threads.
  void barrier(LoopBuilder &b);

private:
  SmallVector<Value> zeroAccumulators(LoopBuilder &b);
  SmallVector<Value> accumulateInOrder(LoopBuilder &b, Value firstStep,
                                       Value endStep, const TileOperand &a,
                                       const TileOperand &bOp);
  SmallVector<Value> accumulatePipelined(LoopBuilder &b, Value firstStep,
                                         Value endStep, const TileOperand &a,
                                         const TileOperand &bOp);
  /// Calls `element(b, row, column)` for each tile position the thread
  /// fills.
  void forEachOwned(LoopBuilder &b, int64_t rows, int64_t columns,
                    bool rowFastest,
                    function_ref<void(LoopBuilder &, Value, Value)> element);
  /// Indices of a tile element in `buffer` (ignored with one stage).
  SmallVector<Value> at(Value buffer, Value row, Value column) const;
  /// Accumulates the product of the tiles in `buffer` into `accumulators`.
  SmallVector<Value> multiplyTiles(LoopBuilder &b, Value buffer,
                                   ValueRange accumulators);
  SmallVector<Value> multiplyHalfTiles(LoopBuilder &b, Value buffer,
                                       ValueRange accumulators);

  GemmTileConfig cfg;
  gpu::LaunchOp launchOp;
  Value tid, group, lane4, warpRow, warpColumn, as, bs;
};

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOGPU_TILEDGEMM_H
