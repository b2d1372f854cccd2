//===- WarpgroupGemm.h - a warpgroup MMA + TMA GEMM skeleton (sm_90a) -----===//
//
// Hopper's tensor cores take both operands from shared memory: a
// warpgroup (four warps, 128 threads) issues wgmma.mma_async with a 64-bit
// matrix descriptor per operand (start address, the strides between 8-row
// core matrices, the swizzle). A block here is one warpgroup computing a
// 128 x 128 f32 tile as two m64n128k16 accumulators (64 registers each per
// thread); the reduction advances 64 elements (128 bytes of bf16/f16) a
// step, four wgmma k-steps per accumulator.
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
// One stage: each reduction step loads, waits, multiplies and waits for
// the multiply before the next step overwrites the tiles.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOGPU_WARPGROUPGEMM_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOGPU_WARPGROUPGEMM_H

#include "compiler/Conversion/SieveToSCF/LoopBuilder.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"

#include <array>
#include <functional>

namespace mlir::sieve {

/// How the B tile lies in shared memory.
enum class WgmmaBLayout {
  /// [128 n][64 k], the reduction contiguous: stored by the threads or one
  /// TMA box of a weight stored (N_E, out, in) (the transposed CVMM).
  KMajor,
  /// [64 k][128 n] as two [64 k][64 n] boxes, columns contiguous: a weight
  /// stored (N_E, in, out) read as it is; wgmma transposes it.
  NMajor,
};

/// What one reduction step puts into the tiles.
struct WgmmaStep {
  /// Stores the step's thread-filled tiles (fillKMajor).
  std::function<void(LoopBuilder &, Value step)> fill;
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
/// in boxes of one expert's [64 or 128 rows][64 columns].
struct TmaWeight {
  /// Whether the weight can be read by TMA (in either B layout): static
  /// shape, identity layout, rows of a multiple of 16 bytes.
  static bool supports(Value weight);
  /// The tensor map's type: one expert's box in the 128-byte swizzle,
  /// zeros outside the weight.
  static nvgpu::TensorMapDescriptorType mapType(Type element,
                                                WgmmaBLayout layout);
  /// Creates the tensor map on the host: a call of the runtime's
  /// sieve_gpu_tensor_map_<bf16|f16>(weight, box rows), which returns it in
  /// device memory (kernels take the pointer: the GPU-to-NVVM signature
  /// conversion knows no nvgpu types).
  static Value create(LoopBuilder &b, Value weight, WgmmaBLayout layout);
};

class WarpgroupGemm {
public:
  static constexpr int64_t kTileM = 128, kTileN = 128, kTileK = 64;
  static constexpr int64_t kThreads = 128;

  /// Creates a gpu.launch of `grid` blocks of one warpgroup with the A and B
  /// tiles of `elementType` (bf16 or f16) and an mbarrier; `body` builds the
  /// kernel inside it.
  static gpu::LaunchOp
  launch(LoopBuilder &b, Operation *anchor, Type elementType,
         WgmmaBLayout bLayout, std::array<Value, 3> grid,
         function_ref<void(LoopBuilder &, WarpgroupGemm &)> body);

  gpu::LaunchOp op() const { return launchOp; }
  Value threadId() const { return tid; }
  /// The A tile: [128 rows][64 k].
  Value aTile() const { return as; }
  /// The B tile, [128 n][64 k] (KMajor) or [2][64 k][64 n] (NMajor).
  Value bTile() const { return bs; }

  using At = std::function<Value(LoopBuilder &, Value row, Value k)>;
  /// Stores element (row, k) of a K-major tile of `rows` x 64 (A, or a
  /// KMajor B): `value` (any float type, converted to the tile's) where
  /// `inBounds` holds, zero elsewhere. Consecutive threads take consecutive
  /// rows (`rowFastest`) or consecutive k.
  void fillKMajor(LoopBuilder &b, Value tile, bool rowFastest,
                  const At &inBounds, const At &value);

  /// The two accumulators (rows 0-63 and 64-127) of the product of the A
  /// and B tiles over reduction steps [firstStep, endStep), from zero.
  SmallVector<Value> accumulate(LoopBuilder &b, Value firstStep, Value endStep,
                                const WgmmaStep &step);
  /// Calls `store(b, row, column, value)` for each f32 element the thread
  /// holds, at tile coordinates.
  void
  forEachResult(LoopBuilder &b, ValueRange accumulators,
                function_ref<void(LoopBuilder &, Value, Value, Value)> store);

private:
  /// The 64-bit matrix descriptor of `tile` (128-byte swizzle), advanced by
  /// `byteOffset`, with leading and stride byte offsets.
  Value descriptor(LoopBuilder &b, Value tile, int64_t byteOffset,
                   int64_t leadingBytes, int64_t strideBytes);
  void multiply(LoopBuilder &b, SmallVector<Value> &accumulators);
  void loadBoxes(LoopBuilder &b, Value step, const WgmmaStep &what);

  WgmmaBLayout bLayout = WgmmaBLayout::KMajor;
  Type elementType;
  gpu::LaunchOp launchOp;
  Value tid, as, bs, barriers;
};

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOGPU_WARPGROUPGEMM_H
