//===- LowerMatmulGemms.cpp - linalg.matmul as tiled GEMMs ----------------===//
//
// The dense projections and the backward pass's transposed products: C = A B
// (default maps), C = A B^T and C = A^T B. B is packed into GEMM panels once
// (read transposed where it is), then threads take chunks of C's rows.
// Other maps (broadcasts) are left to convert-linalg-to-parallel-loops.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SieveToVector/GemmEmitter.h"
#include "compiler/Conversion/SieveToVector/Lowerings.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

enum class Layout { Plain, TransposedA, TransposedB };

/// The layout of a matmul's operands from its indexing maps, if supported.
std::optional<Layout> layoutOf(linalg::MatmulOp matmul) {
  MLIRContext *ctx = matmul.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  auto map = [&](ArrayRef<AffineExpr> exprs) {
    return AffineMap::get(3, 0, exprs, ctx);
  };
  SmallVector<AffineMap> maps = matmul.getIndexingMapsArray();
  if (maps.size() != 3 || maps[2] != map({m, n}))
    return std::nullopt;
  if (maps[0] == map({m, k}) && maps[1] == map({k, n}))
    return Layout::Plain;
  if (maps[0] == map({k, m}) && maps[1] == map({k, n}))
    return Layout::TransposedA;
  if (maps[0] == map({m, k}) && maps[1] == map({n, k}))
    return Layout::TransposedB;
  return std::nullopt;
}

struct MatmulGemm : OpRewritePattern<linalg::MatmulOp> {
  MatmulGemm(MLIRContext *ctx, const GemmTunables &tunables)
      : OpRewritePattern(ctx), tunables(tunables) {}
  GemmTunables tunables;

  LogicalResult matchAndRewrite(linalg::MatmulOp matmul,
                                PatternRewriter &rewriter) const override {
    std::optional<Layout> layout = layoutOf(matmul);
    if (!matmul.hasPureBufferSemantics() || !layout)
      return rewriter.notifyMatchFailure(matmul, "not a supported matmul");
    Value a = matmul.getInputs()[0], b = matmul.getInputs()[1];
    Value c = matmul.getOutputs()[0];
    for (Value value : {a, b, c})
      if (!getElementTypeOrSelf(value.getType()).isF32())
        return rewriter.notifyMatchFailure(matmul, "the GEMM kernels are f32");

    LoopBuilder lb(rewriter, matmul.getLoc());
    bool aTransposed = *layout == Layout::TransposedA;
    bool bTransposed = *layout == Layout::TransposedB;
    Value rows = lb.dim(c, 0), columns = lb.dim(c, 1);
    Value depth = lb.dim(a, aTransposed ? 0 : 1);
    // B packed into panels once, for every chunk of rows.
    Value packed = lb.alloc(
        MemRefType::get({ShapedType::kDynamic}, lb.builder().getF32Type()),
        {packedGemmBSize(lb, depth, columns)});
    packGemmB(
        lb, packed, depth, columns, Value(),
        [&](LoopBuilder &pb, Value) { return pb.index(0); },
        [&](LoopBuilder &pb, Value, Value k, Value j) {
          return bTransposed ? pb.load(b, {j, k}) : pb.load(b, {k, j});
        });
    Value chunks = lb.divu(lb.add(rows, lb.index(tunables.rowChunk - 1)),
                           lb.index(tunables.rowChunk));
    lb.parallel(lb.index(0), chunks, [&](LoopBuilder &pb, ValueRange chunk) {
      Value i0 = pb.mul(chunk[0], pb.index(tunables.rowChunk));
      Value i1 =
          arith::MinSIOp::create(pb.builder(), pb.location(),
                                 pb.add(i0, pb.index(tunables.rowChunk)), rows);
      GemmSpec spec;
      spec.kBlock = tunables.kBlock;
      spec.mBlock = tunables.mBlock;
      spec.row = [&](LoopBuilder &, Value i) {
        GemmSpec::Row row;
        row.a = i;
        row.c = {i};
        return row;
      };
      spec.loadA = [&](LoopBuilder &ab, const GemmSpec::Row &row, Value,
                       Value k) {
        return aTransposed ? ab.load(a, {k, row.a}) : ab.load(a, {row.a, k});
      };
      spec.aStepMajor = aTransposed;
      spec.c = c;
      spec.packedB = packed;
      spec.packedBOffset = pb.index(0);
      spec.packedBSteps = depth;
      emitGemm(pb, spec, i0, i1, pb.index(0), columns, pb.index(0), depth);
    });
    lb.dealloc(packed);
    rewriter.eraseOp(matmul);
    return success();
  }
};

} // namespace

void mlir::sieve::populateMatmulGemmPatterns(RewritePatternSet &patterns,
                                             const GemmTunables &tunables) {
  patterns.add<MatmulGemm>(patterns.getContext(), tunables);
}
