//===- GemmEmitter.h - register-blocked GEMM loops with vector FMAs -------===//
//
// Every compute-heavy kernel of the layers is a GEMM in disguise: the dense
// projections, each expert's block of CVMM (Eq. 26) on the rows dispatch
// sorted to it, and their weight gradients. This emitter writes one such
// product,
//
//     C(i, j) += scale(i) * sum_k A(i, k) * B(k, j) * stepScale(k)
//
// GotoBLAS-style: B is packed into 16-column panels (a panel's step is 16
// adjacent floats), A into row blocks, and a 6 x 16 register tile (12
// accumulators of vector<8xf32>, one broadcast A element and two B vectors
// per step: 15 of AVX2's 16 registers) runs over them. The caller describes
// how to reach A, B and C, so rows gathered through the sorted pairs are
// gathered once, while packing. B is either packed here, per block of
// steps, or once by the caller for every task (packGemmB), which is what
// makes splitting the rows over threads cheap.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOVECTOR_GEMMEMITTER_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOVECTOR_GEMMEMITTER_H

#include "compiler/Conversion/SieveToSCF/LoopBuilder.h"

#include <functional>

namespace mlir::sieve {

/// Columns per packed B panel.
constexpr int64_t kGemmPanel = 16;

/// B(k, j) as an f32 scalar, for packing.
using GemmLoadB = std::function<Value(LoopBuilder &, Value k, Value j)>;

/// How to reach the elements of one GEMM-like product (all f32).
struct GemmSpec {
  /// What the product needs of output row i, computed once per row.
  struct Row {
    /// Handed back to loadA (e.g. A's row index).
    Value a;
    /// C's indices before the column (e.g. {row} or {expert, row}).
    SmallVector<Value> c;
    /// Multiplies the row's sum (null: 1).
    Value scale;
  };
  std::function<Row(LoopBuilder &, Value i)> row;
  /// What reduction step k needs once, shared by loadA and loadB (e.g. the
  /// sorted pair at step k); null: nothing.
  std::function<Value(LoopBuilder &, Value k)> step;
  /// A(i, k).
  std::function<Value(LoopBuilder &, const Row &, Value step, Value k)> loadA;
  /// Whether A(i, k) and A(i + 1, k) are adjacent (A transposed, or rows of
  /// a weight gradient): A is then packed step by step, copying runs of
  /// rows, and `row` must be cheap (it runs per element).
  bool aStepMajor = false;
  Value c;

  /// B, either packed here from loadB (given the step), ...
  std::function<Value(LoopBuilder &, Value step, Value k, Value j)> loadB;
  /// ... or packed by packGemmB: panel p (of all columns, from column 0),
  /// step k at packedB[packedBOffset + (p * packedBSteps + k) * 16 + c].
  Value packedB, packedBOffset, packedBSteps;

  /// Steps per block (a 16-column B panel of a block stays in L1) and rows
  /// per packed A block (stays in L2).
  int64_t kBlock = 256, mBlock = 96;
};

/// Emits C += ... for rows [i0, i1), columns [j0, j1), steps [k0, k1) at
/// the builder's insertion point. With a pre-packed B, j0 must be a
/// multiple of 16 and k0 = 0.
void emitGemm(LoopBuilder &lb, const GemmSpec &spec, Value i0, Value i1,
              Value j0, Value j1, Value k0, Value k1);

/// The f32 elements packGemmB writes for `steps` x `columns`.
Value packedGemmBSize(LoopBuilder &lb, Value steps, Value columns);

/// Packs B (steps x columns) into `packed` from `offset`, the panels in
/// parallel (scf.parallel over `outer` x panels when `outer` is given, the
/// body's `loadB` then taking the outer index first).
void packGemmB(
    LoopBuilder &lb, Value packed, Value steps, Value columns, Value outer,
    std::function<Value(LoopBuilder &, Value outerIndex)> offset,
    std::function<Value(LoopBuilder &, Value outerIndex, Value k, Value j)>
        loadB);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOVECTOR_GEMMEMITTER_H
