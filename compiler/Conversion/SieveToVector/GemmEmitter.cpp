//===- GemmEmitter.cpp - register-blocked GEMM loops with vector FMAs -----===//
//
// The loop nest (GotoBLAS):
//
//   for each block of kBlock steps:
//     [pack B's panels for the block, unless packed by the caller]
//     for each block of mBlock rows:
//       pack A's rows for the block (row-major, or step-major where A's
//       rows are adjacent)
//       for each 16-column panel:  for each 6-row tile:  for each step:
//         b0, b1 = Bp[panel][step][0:8], [8:16]
//         acc[r][v] += broadcast(Ap[row r][step]) * b_v     (12 FMAs)
//       C[tile rows][panel] += scale * acc
//
// Rows past the last full tile take 1-row tiles; columns past the last full
// panel (zero-padded in Bp) an 8-column tile, then scalar loops.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SieveToVector/GemmEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

/// Rows of the full register tile and f32 lanes of a vector register.
constexpr int64_t kTileRows = 6, kLanes = 8;

/// `body(iv)` for iv in [lower, upper) by `step`.
void loop(LoopBuilder &lb, Value lower, Value upper, int64_t step,
          function_ref<void(LoopBuilder &, Value)> body) {
  scf::ForOp::create(
      lb.builder(), lb.location(), lower, upper, lb.index(step), ValueRange(),
      [&](OpBuilder &nested, Location loc, Value iv, ValueRange) {
        LoopBuilder inner(nested, loc);
        body(inner, iv);
        scf::YieldOp::create(nested, loc);
      });
}

Value ceilDiv(LoopBuilder &lb, Value value, int64_t divisor) {
  return lb.divu(lb.add(value, lb.index(divisor - 1)), lb.index(divisor));
}

Value minIndex(LoopBuilder &lb, Value a, Value b) {
  return arith::MinSIOp::create(lb.builder(), lb.location(), a, b);
}

/// Where one panel's steps live in a packed B buffer.
struct PanelLayout {
  Value buffer, offset, steps;
  /// The element (panel, step, column c of the panel).
  Value at(LoopBuilder &lb, Value panel, Value step, Value c) const {
    Value row = lb.add(lb.mul(panel, steps), step);
    return lb.add(lb.add(offset, lb.mul(row, lb.index(kGemmPanel))), c);
  }
};

/// Packs panels [0, ceil(columns / 16)) of steps [0, steps) of B, with
/// B's column c of a panel read by `loadB(step, column)`, zero past
/// `columns`.
void packPanels(LoopBuilder &lb, const PanelLayout &layout, Value panel,
                Value steps, Value columns,
                function_ref<Value(LoopBuilder &, Value, Value)> loadB) {
  Value first = lb.mul(panel, lb.index(kGemmPanel));
  loop(lb, lb.index(0), steps, 1, [&](LoopBuilder &sb, Value s) {
    for (int64_t c = 0; c < kGemmPanel; ++c) {
      Value column = sb.add(first, sb.index(c));
      Value valid = sb.cmp(arith::CmpIPredicate::slt, column, columns);
      Value value =
          sb.select(valid, loadB(sb, s, sb.select(valid, column, sb.index(0))),
                    sb.f32(0.0));
      sb.store(value, layout.buffer, {layout.at(sb, panel, s, sb.index(c))});
    }
  });
}

class Emitter {
public:
  Emitter(LoopBuilder &lb, const GemmSpec &spec, Value i0, Value i1, Value j0,
          Value j1)
      : spec(spec), i0(i0), i1(i1), j0(j0), j1(j1),
        vectorType(VectorType::get({kLanes}, lb.builder().getF32Type())) {}

  void emit(LoopBuilder &lb, Value k0, Value k1);

private:
  /// Ap[row - m0][s] = A(row, k0 + s) for rows [m0, m1).
  void packA(LoopBuilder &lb, Value m0, Value m1, Value k0, Value steps);
  /// Adds rows [r0, r0 + rows) of packed A (from block row `first`) times
  /// `vectors` registers of the panel `panel` (relative to j0), from its
  /// column `offset`, into C.
  void vectorTile(LoopBuilder &lb, Value m0, Value first, int64_t rows,
                  Value panel, int64_t offset, int64_t vectors, Value steps,
                  Value stepOffset);
  /// Element (row, column) relative to (m0, j0), in scalars.
  void scalarElement(LoopBuilder &lb, Value m0, Value row, Value column,
                     Value steps, Value stepOffset);
  /// Every row of [m0, m1) for a column range of `vectors` registers.
  void rowTiles(LoopBuilder &lb, Value m0, Value m1, Value panel,
                int64_t vectors, Value steps, Value stepOffset);
  /// C[row][column...] += scale * sum.
  void accumulate(LoopBuilder &lb, const GemmSpec::Row &row, Value column,
                  Value sum);

  /// The global panel of panel `panel` of this product's columns.
  Value globalPanel(LoopBuilder &lb, Value panel) {
    return spec.packedB ? lb.add(lb.divu(j0, lb.index(kGemmPanel)), panel)
                        : panel;
  }
  Value broadcast(LoopBuilder &lb, Value scalar) {
    return vector::BroadcastOp::create(lb.builder(), lb.location(), vectorType,
                                       scalar);
  }

  const GemmSpec &spec;
  Value i0, i1, j0, j1;
  VectorType vectorType;
  Value packedA;
  PanelLayout bLayout;
};

void Emitter::packA(LoopBuilder &lb, Value m0, Value m1, Value k0,
                    Value steps) {
  Value kBlock = lb.index(spec.kBlock);
  if (spec.aStepMajor) {
    // Ap[s][i - m0]: each step copies a run of adjacent A elements.
    Value mBlock = lb.index(spec.mBlock);
    loop(lb, lb.index(0), steps, 1, [&](LoopBuilder &sb, Value s) {
      Value k = sb.add(k0, s);
      Value step = spec.step ? spec.step(sb, k) : Value();
      Value base = sb.mul(s, mBlock);
      loop(sb, m0, m1, 1, [&](LoopBuilder &rb, Value i) {
        rb.store(spec.loadA(rb, spec.row(rb, i), step, k), packedA,
                 {rb.add(base, rb.sub(i, m0))});
      });
    });
    return;
  }
  loop(lb, m0, m1, 1, [&](LoopBuilder &rb, Value i) {
    GemmSpec::Row row = spec.row(rb, i);
    Value base = rb.mul(rb.sub(i, m0), kBlock);
    loop(rb, rb.index(0), steps, 1, [&](LoopBuilder &sb, Value s) {
      Value k = sb.add(k0, s);
      Value step = spec.step ? spec.step(sb, k) : Value();
      sb.store(spec.loadA(sb, row, step, k), packedA, {sb.add(base, s)});
    });
  });
}

void Emitter::accumulate(LoopBuilder &lb, const GemmSpec::Row &row,
                         Value column, Value sum) {
  OpBuilder &b = lb.builder();
  Location loc = lb.location();
  SmallVector<Value> indices = row.c;
  indices.push_back(column);
  bool isVector = isa<VectorType>(sum.getType());
  if (row.scale)
    sum = arith::MulFOp::create(
        b, loc, sum, isVector ? broadcast(lb, row.scale) : row.scale);
  if (!isVector) {
    lb.store(lb.addf(lb.load(spec.c, indices), sum), spec.c, indices);
    return;
  }
  Value old = vector::LoadOp::create(b, loc, vectorType, spec.c, indices);
  vector::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, old, sum),
                          spec.c, indices);
}

void Emitter::vectorTile(LoopBuilder &lb, Value m0, Value first, int64_t rows,
                         Value panel, int64_t offset, int64_t vectors,
                         Value steps, Value stepOffset) {
  OpBuilder &b = lb.builder();
  Location loc = lb.location();
  // Where A's element (row first + r, step s) is: aRows[r] + s * aStride.
  Value kBlock = lb.index(spec.kBlock);
  SmallVector<Value> aRows;
  for (int64_t r = 0; r < rows; ++r) {
    Value row = lb.add(first, lb.index(r));
    aRows.push_back(spec.aStepMajor ? row : lb.mul(row, kBlock));
  }
  Value aStride = lb.index(spec.aStepMajor ? spec.mBlock : 1);
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(vectorType, b.getF32FloatAttr(0.0)));
  SmallVector<Value> inits(rows * vectors, zero);
  Value bPanel = globalPanel(lb, panel);

  SmallVector<Value> sums = lb.forEach(
      lb.index(0), steps, inits, [&](LoopBuilder &kb, Value s, ValueRange acc) {
        Value bAt =
            bLayout.at(kb, bPanel, kb.add(stepOffset, s), kb.index(offset));
        SmallVector<Value> bVectors;
        for (int64_t v = 0; v < vectors; ++v)
          bVectors.push_back(vector::LoadOp::create(
              kb.builder(), kb.location(), vectorType, bLayout.buffer,
              ValueRange{kb.add(bAt, kb.index(v * kLanes))}));
        SmallVector<Value> next;
        for (int64_t r = 0; r < rows; ++r) {
          Value a = broadcast(
              kb, kb.load(packedA, {kb.add(aRows[r], kb.mul(s, aStride))}));
          for (int64_t v = 0; v < vectors; ++v)
            next.push_back(vector::FMAOp::create(kb.builder(), kb.location(), a,
                                                 bVectors[v],
                                                 acc[r * vectors + v]));
        }
        return next;
      });

  Value firstColumn =
      lb.add(j0, lb.add(lb.mul(panel, lb.index(kGemmPanel)), lb.index(offset)));
  for (int64_t r = 0; r < rows; ++r) {
    GemmSpec::Row row = spec.row(lb, lb.add(m0, lb.add(first, lb.index(r))));
    for (int64_t v = 0; v < vectors; ++v)
      accumulate(lb, row, lb.add(firstColumn, lb.index(v * kLanes)),
                 sums[r * vectors + v]);
  }
}

void Emitter::scalarElement(LoopBuilder &lb, Value m0, Value row, Value column,
                            Value steps, Value stepOffset) {
  Value aRow = spec.aStepMajor ? row : lb.mul(row, lb.index(spec.kBlock));
  Value aStride = lb.index(spec.aStepMajor ? spec.mBlock : 1);
  Value panel = globalPanel(lb, lb.divu(column, lb.index(kGemmPanel)));
  Value c = lb.remu(column, lb.index(kGemmPanel));
  Value sum = lb.forEach(
      lb.index(0), steps, {lb.f32(0.0)},
      [&](LoopBuilder &kb, Value s, ValueRange acc) {
        Value bValue = kb.load(
            bLayout.buffer, {bLayout.at(kb, panel, kb.add(stepOffset, s), c)});
        Value term = kb.mulf(
            kb.load(packedA, {kb.add(aRow, kb.mul(s, aStride))}), bValue);
        return SmallVector<Value>{kb.addf(acc[0], term)};
      })[0];
  accumulate(lb, spec.row(lb, lb.add(m0, row)), lb.add(j0, column), sum);
}

void Emitter::rowTiles(LoopBuilder &lb, Value m0, Value m1, Value panel,
                       int64_t vectors, Value steps, Value stepOffset) {
  Value rows = lb.sub(m1, m0);
  Value full = lb.mul(lb.divu(rows, lb.index(kTileRows)), lb.index(kTileRows));
  loop(lb, lb.index(0), full, kTileRows, [&](LoopBuilder &tb, Value first) {
    vectorTile(tb, m0, first, kTileRows, panel, 0, vectors, steps, stepOffset);
  });
  loop(lb, full, rows, 1, [&](LoopBuilder &tb, Value first) {
    vectorTile(tb, m0, first, 1, panel, 0, vectors, steps, stepOffset);
  });
}

void Emitter::emit(LoopBuilder &lb, Value k0, Value k1) {
  Value columns = lb.sub(j1, j0);
  Value fullPanels = lb.divu(columns, lb.index(kGemmPanel));
  Value tailColumns = lb.remu(columns, lb.index(kGemmPanel));
  Value kBlock = lb.index(spec.kBlock), mBlock = lb.index(spec.mBlock);
  auto flat =
      MemRefType::get({ShapedType::kDynamic}, lb.builder().getF32Type());
  packedA = lb.alloc(flat, {lb.mul(mBlock, kBlock)});
  bool packB = !spec.packedB;
  if (packB)
    bLayout = {lb.alloc(flat, {packedGemmBSize(lb, kBlock, columns)}),
               lb.index(0), kBlock};
  else
    bLayout = {spec.packedB, spec.packedBOffset, spec.packedBSteps};

  loop(lb, k0, k1, spec.kBlock, [&](LoopBuilder &kb, Value blockStart) {
    Value steps =
        kb.sub(minIndex(kb, kb.add(blockStart, kBlock), k1), blockStart);
    // A packed B is indexed by the step itself; one packed here by the
    // step within the block.
    Value stepOffset = packB ? kb.index(0) : blockStart;
    if (packB)
      loop(kb, kb.index(0), ceilDiv(kb, columns, kGemmPanel), 1,
           [&](LoopBuilder &pb, Value panel) {
             packPanels(pb, bLayout, panel, steps, columns,
                        [&](LoopBuilder &b, Value s, Value column) {
                          Value k = b.add(blockStart, s);
                          Value step = spec.step ? spec.step(b, k) : Value();
                          return spec.loadB(b, step, k, b.add(j0, column));
                        });
           });
    loop(kb, i0, i1, spec.mBlock, [&](LoopBuilder &mb, Value m0) {
      Value m1 = minIndex(mb, mb.add(m0, mBlock), i1);
      packA(mb, m0, m1, blockStart, steps);
      loop(mb, mb.index(0), fullPanels, 1, [&](LoopBuilder &pb, Value panel) {
        rowTiles(pb, m0, m1, panel, 2, steps, stepOffset);
      });
      // The last, partial panel: its first 8 columns, then single columns.
      Value hasEight =
          mb.cmp(arith::CmpIPredicate::uge, tailColumns, mb.index(kLanes));
      mb.ifThen(hasEight, [&](LoopBuilder &ib) {
        rowTiles(ib, m0, m1, fullPanels, 1, steps, stepOffset);
      });
      Value scalarStart =
          mb.add(mb.mul(fullPanels, mb.index(kGemmPanel)),
                 mb.select(hasEight, mb.index(kLanes), mb.index(0)));
      loop(mb, scalarStart, columns, 1, [&](LoopBuilder &cb, Value column) {
        loop(cb, cb.index(0), cb.sub(m1, m0), 1,
             [&](LoopBuilder &rb, Value row) {
               scalarElement(rb, m0, row, column, steps, stepOffset);
             });
      });
    });
  });
  lb.dealloc(packedA);
  if (packB)
    lb.dealloc(bLayout.buffer);
}

} // namespace

void mlir::sieve::emitGemm(LoopBuilder &lb, const GemmSpec &spec, Value i0,
                           Value i1, Value j0, Value j1, Value k0, Value k1) {
  Emitter(lb, spec, i0, i1, j0, j1).emit(lb, k0, k1);
}

Value mlir::sieve::packedGemmBSize(LoopBuilder &lb, Value steps,
                                   Value columns) {
  return lb.mul(lb.mul(ceilDiv(lb, columns, kGemmPanel), lb.index(kGemmPanel)),
                steps);
}

void mlir::sieve::packGemmB(
    LoopBuilder &lb, Value packed, Value steps, Value columns, Value outer,
    std::function<Value(LoopBuilder &, Value)> offset,
    std::function<Value(LoopBuilder &, Value, Value, Value)> loadB) {
  Value zero = lb.index(0), panels = ceilDiv(lb, columns, kGemmPanel);
  auto body = [&](LoopBuilder &b, Value outerIndex, Value panel) {
    PanelLayout layout{packed, offset(b, outerIndex), steps};
    packPanels(b, layout, panel, steps, columns,
               [&](LoopBuilder &pb, Value k, Value j) {
                 return loadB(pb, outerIndex, k, j);
               });
  };
  if (outer)
    lb.parallel(
        {zero, zero}, {outer, panels},
        [&](LoopBuilder &b, ValueRange ivs) { body(b, ivs[0], ivs[1]); });
  else
    lb.parallel(zero, panels, [&](LoopBuilder &b, ValueRange ivs) {
      body(b, Value(), ivs[0]);
    });
}
