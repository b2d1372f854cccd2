//===- WarpgroupGemm.h - a warpgroup MMA + TMA GEMM skeleton (sm_90a) -----===//
//
// Hopper's tensor cores take both operands from shared memory: a
// warpgroup (four warps, 128 threads) issues wgmma.mma_async with a 64-bit
// matrix descriptor per operand (start address, the strides between 8-row
// core matrices, the swizzle). A block here is one warpgroup computing a
// tileM x tileN f32 tile (WgmmaTileConfig) as tileM / 64 accumulators of
// m64n<tileN>k16 (tileN / 2 registers each per thread); the reduction
// advances 64 elements (128 bytes of bf16/f16) a step, four wgmma k-steps
// per accumulator.
//
// Operand tiles hold rows of 64 elements in the 128-byte swizzle TMA
// writes: the 16-byte chunk c of row r lies at chunk c ^ (r % 8), tiles are
// 1024-byte aligned, and a descriptor's stride between 8-row groups is
// 1024 bytes. Where an operand is a dense box of a weight tensor it comes
// by TMA (cp.async.bulk.tensor, completion counted on an mbarrier);
// rows gathered through the sorted pairs are stored by the threads in the
// same layout (the bulk copy cannot gather), then made visible to the
// tensor cores' async proxy (fence.proxy.async) before the barrier.
//
// The tiles are a ring of `stages` buffers in dynamic shared memory (more
// than the 48 KiB a block may declare statically). With one stage each
// reduction step loads, waits, multiplies and waits for the multiply; with
// more, a step's multiply runs on the tensor cores while the threads store
// the next step's tiles, and TMA boxes are requested `stages` - 2 steps
// ahead (one wgmma group stays in flight, so a buffer is rewritten two
// steps after the multiply that read it was issued).
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOGPU_WARPGROUPGEMM_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOGPU_WARPGROUPGEMM_H

#include "compiler/Conversion/SieveToSCF/LoopBuilder.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"

#include <array>
#include <functional>
#include <optional>
#include <string>

namespace mlir::sieve {

struct GemmTileConfig;

/// The tunables of a warpgroup MMA kernel.
struct WgmmaTileConfig {
  static constexpr int64_t kTileK = 64, kThreads = 128;
  /// 64 or 128 (one or two m64 accumulators).
  int64_t tileM = 128;
  /// 64, 128 or 256 (wgmma's n).
  int64_t tileN = 128;
  /// Tile buffers in the reduction's ring, 1 to 4.
  int64_t stages = 1;
  /// Blocks sharing one expert's weight-gradient reduction (atomic adds).
  int64_t splitK = 1;

  /// The warpgroup form of a tile variant: a (64 warps_m) x (64 warps_n)
  /// tile, k 64, the variant's stages and split-K; none where that tile
  /// has no warpgroup form (warps_m above 2, warps_n other than 1, 2 or 4,
  /// more than 128 accumulator registers a thread), which then keeps the
  /// mma.sync kernel.
  static std::optional<WgmmaTileConfig> from(const GemmTileConfig &config);
  int64_t accumulators() const { return tileM / 64; }
  /// One stage's A and B tiles.
  int64_t stageBytes() const { return (tileM + tileN) * kTileK * 2; }
  /// The dynamic shared memory a block asks for: the ring, and 1024 bytes
  /// to align it (see WarpgroupGemm::launch).
  int64_t sharedMemoryBytes() const { return stages * stageBytes() + 1024; }
  /// "wgmma 128x128 stages 2 split-k 1".
  std::string str() const;
};

/// How the B tile lies in shared memory.
enum class WgmmaBLayout {
  /// [tileN n][64 k], the reduction contiguous: stored by the threads or one
  /// TMA box of a weight stored (N_E, out, in) (the transposed CVMM).
  KMajor,
  /// [64 k][tileN n] as tileN / 64 [64 k][64 n] boxes, columns contiguous: a
  /// weight
  /// stored (N_E, in, out) read as it is; wgmma transposes it.
  NMajor,
};

/// One ring buffer's A and B tiles.
struct WgmmaTiles {
  /// [tileM rows][64 k].
  Value a;
  /// [tileN n][64 k] (KMajor) or [tileN / 64][64 k][64 n] (NMajor).
  Value b;
};

/// What one reduction step puts into the tiles.
struct WgmmaStep {
  /// Stores the step's thread-filled tiles (fillKMajor).
  std::function<void(LoopBuilder &, Value step, const WgmmaTiles &)> fill;
  /// The tensor map B's boxes come by (TmaWeight::create's pointer), or
  /// null when
  /// `fill` stores B too.
  Value tensorMap;
  /// The coordinates (innermost first) of B's box `box` at `step`.
  std::function<SmallVector<Value>(LoopBuilder &, Value step, int64_t box)>
      boxAt;
};

/// The runtime function a bundle calls for a weight's tensor map (with a
/// "_bf16" or "_f16" suffix).
constexpr StringLiteral kTensorMapFunction = "sieve_gpu_tensor_map";

/// A weight (N_E x rows x columns, bf16 or f16, identity layout) read by TMA
/// in boxes of one expert's [64 or tileN rows][64 columns].
struct TmaWeight {
  /// Whether the weight can be read by TMA (in either B layout): static
  /// shape, identity layout, rows of a multiple of 16 bytes.
  static bool supports(Value weight);
  /// The tensor map's type: one expert's box in the 128-byte swizzle,
  /// zeros outside the weight.
  static nvgpu::TensorMapDescriptorType
  mapType(Type element, WgmmaBLayout layout, const WgmmaTileConfig &config);
  /// Creates the tensor map on the host: a call of the runtime's
  /// sieve_gpu_tensor_map_<bf16|f16>(weight, box rows), which returns it in
  /// device memory (kernels take the pointer: the GPU-to-NVVM signature
  /// conversion knows no nvgpu types).
  static Value create(LoopBuilder &b, Value weight, WgmmaBLayout layout,
                      const WgmmaTileConfig &config);
};

class WarpgroupGemm {
public:
  static constexpr int64_t kTileK = WgmmaTileConfig::kTileK;
  static constexpr int64_t kThreads = WgmmaTileConfig::kThreads;

  /// Creates a gpu.launch of `grid` blocks of one warpgroup with the tile
  /// ring (`config.stages` A and B tiles of `elementType`, bf16 or f16) in
  /// dynamic shared memory and an mbarrier a stage; `body` builds the
  /// kernel inside it.
  static gpu::LaunchOp
  launch(LoopBuilder &b, const WgmmaTileConfig &config, Type elementType,
         WgmmaBLayout bLayout, std::array<Value, 3> grid,
         function_ref<void(LoopBuilder &, WarpgroupGemm &)> body);

  const WgmmaTileConfig &config() const { return cfg; }
  gpu::LaunchOp op() const { return launchOp; }
  Value threadId() const { return tid; }

  using At = std::function<Value(LoopBuilder &, Value row, Value k)>;
  /// Stores element (row, k) of a K-major tile of rows x 64 (A, or a
  /// KMajor B): `value` (any float type, converted to the tile's) where
  /// `inBounds` holds, zero elsewhere. Consecutive threads take consecutive
  /// rows (`rowFastest`) or consecutive k.
  void fillKMajor(LoopBuilder &b, Value tile, bool rowFastest,
                  const At &inBounds, const At &value);

  /// The accumulators (rows 64i to 64i + 63) of the product of the A and B
  /// tiles over reduction steps [firstStep, endStep), from zero.
  SmallVector<Value> accumulate(LoopBuilder &b, Value firstStep, Value endStep,
                                const WgmmaStep &step);
  /// Calls `store(b, row, column, value)` for each f32 element the thread
  /// holds, at tile coordinates.
  void
  forEachResult(LoopBuilder &b, ValueRange accumulators,
                function_ref<void(LoopBuilder &, Value, Value, Value)> store);

private:
  /// The tiles of ring buffer `stage`.
  WgmmaTiles tilesAt(LoopBuilder &b, Value stage);
  /// A view of `shape` at `byteOffset` into the ring.
  Value ringView(LoopBuilder &b, Value byteOffset, ArrayRef<int64_t> shape);
  /// The 64-bit matrix descriptor of `tile` (128-byte swizzle), advanced by
  /// `byteOffset`, with leading and stride byte offsets.
  Value descriptor(LoopBuilder &b, Value tile, int64_t byteOffset,
                   int64_t leadingBytes, int64_t strideBytes);
  /// Issues the multiply of one buffer's tiles as a wgmma group.
  void multiply(LoopBuilder &b, const WgmmaTiles &tiles,
                SmallVector<Value> &accumulators);
  /// Thread 0 requests the B boxes of reduction step `step` into ring
  /// buffer `stage`, counted on its mbarrier.
  void loadBoxes(LoopBuilder &b, Value step, Value stage,
                 const WgmmaStep &what);

  WgmmaTileConfig cfg;
  WgmmaBLayout bLayout = WgmmaBLayout::KMajor;
  Type elementType;
  gpu::LaunchOp launchOp;
  Value tid, ring, ringStart, barriers;
};

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOGPU_WARPGROUPGEMM_H
