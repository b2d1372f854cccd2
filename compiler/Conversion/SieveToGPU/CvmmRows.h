//===- CvmmRows.h - how CVMM kernels find their rows ---------------------===//
//
// Both CVMM kernel families (mma.sync tiles, TiledGemm; warpgroup MMA,
// WarpgroupGemm) walk the rows dispatch sorted by expert the same way: a
// block per tile of one expert's rows, found from the offsets, token rows
// reached through the sorted (token, slot) pairs.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOGPU_CVMMROWS_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOGPU_CVMMROWS_H

#include "compiler/Conversion/SieveToSCF/LoopBuilder.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"

#include <array>
#include <utility>

namespace mlir::sieve {

/// a < aEnd && c < cEnd (unsigned): a tile position inside both operands.
Value bothBelow(LoopBuilder &b, Value a, Value aEnd, Value c, Value cEnd);

/// ceil(value / divisor) for a non-negative index.
Value ceilDiv(LoopBuilder &b, Value value, int64_t divisor);

/// The grid of a weight gradient: (m tiles, column tiles, N_E x splitK)
/// blocks.
std::array<Value, 3> weightGradGrid(LoopBuilder &b, Value inWidth,
                                    Value outWidth, Value numExperts,
                                    int64_t tileM, int64_t tileN,
                                    int64_t splitK);

/// What a weight-gradient block of weightGradGrid owns: its expert, the
/// first input column and output column of its tile, the expert's sorted
/// rows [rowBegin, rowEnd) and its share [firstStep, endStep) of their
/// reduction steps of kTile rows (split-K: blocks z = expert * splitK +
/// part, ceil(steps / splitK) steps a part).
struct WeightGradTile {
  Value expert, mBegin, columnBegin, rowBegin, rowEnd, firstStep, endStep;

  WeightGradTile(LoopBuilder &b, gpu::KernelDim3 blockIds, Value offsets,
                 int64_t tileM, int64_t tileN, int64_t kTile, int64_t splitK);
};

/// Token and slot of the pair at sorted position `j`.
std::pair<Value, Value> pairAt(LoopBuilder &b, Value pairs, Value j, int64_t k);

/// The row of an operand at sorted position `j`: the pair's token for
/// token-ordered operands, `j` itself for sorted ones.
Value rowIn(LoopBuilder &b, RowOrder order, Value pairs, Value j, int64_t k);

/// For block `tile` of the grouped row tiles of `tileM` rows: its expert
/// (-1 when the block has none) and its sorted rows [begin, end).
std::array<Value, 3> findRowTile(LoopBuilder &b, Value offsets,
                                 Value numExperts, Value tile, int64_t tileM);

/// The number of row tiles a grid needs, whatever the routing:
/// ceil(pairs / tileM) + N_E.
Value rowTileCount(LoopBuilder &b, Value pairs, Value numExperts,
                   int64_t tileM);

/// A CVMM's operands and sizes, as both kernel families read them.
struct CvmmOperands {
  Value input, weight, pairs, offsets, scale, out;
  bool transposed = false;
  int64_t k = 0;
  Value numExperts, inWidth, outWidth;

  CvmmOperands(CvmmOp op, LoopBuilder &b);
};

/// Adds an f32 result at (sorted row rowBegin + row, column columnBegin +
/// column) of a CVMM's tile into its output, where it lies inside the
/// expert's rows and the output: scaled by the pair's gate when the op has
/// one, by token (atomically: K pairs share a row) or by sorted row.
void storeCvmmResult(LoopBuilder &b, CvmmOp op, const CvmmOperands &operands,
                     Value rowBegin, Value rowEnd, Value columnBegin, Value row,
                     Value column, Value value);

/// The element type the float operands of `op` share, or null.
Type floatElementType(Operation *op);

/// Adds `value` (f32) into `out` at `indices`, rounded to out's element
/// type; atomically where blocks share the element.
void addToOutput(LoopBuilder &b, Value out, ValueRange indices, Value value,
                 bool atomic);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOGPU_CVMMROWS_H
