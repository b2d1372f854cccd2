//===- TiledGemm.cpp - a block-tiled GEMM skeleton for GPU kernels --------===//

#include "compiler/Conversion/SieveToGPU/TiledGemm.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {
constexpr int64_t kFragmentsM = 2, kFragmentsN = 4; // a warp's 32 x 32
} // namespace

std::optional<GemmPrecision> mlir::sieve::parseGemmPrecision(StringRef name) {
  if (name == "f32")
    return GemmPrecision::F32;
  if (name == "tf32")
    return GemmPrecision::TF32;
  if (name == "f16")
    return GemmPrecision::F16;
  if (name == "bf16")
    return GemmPrecision::BF16;
  return std::nullopt;
}

gpu::LaunchOp
TiledGemm::launch(LoopBuilder &b, const GemmTileConfig &config,
                  std::array<Value, 3> grid,
                  function_ref<void(LoopBuilder &, TiledGemm &)> body) {
  OpBuilder &builder = b.builder();
  MLIRContext *context = builder.getContext();
  Attribute workgroup =
      gpu::AddressSpaceAttr::get(context, gpu::AddressSpace::Workgroup);
  Type f32 = builder.getF32Type();
  auto aType = MemRefType::get({config.tileM(), config.aStride()}, f32,
                               MemRefLayoutAttrInterface(), workgroup);
  auto bType = MemRefType::get({config.kTile, config.bStride()}, f32,
                               MemRefLayoutAttrInterface(), workgroup);
  Value one = b.index(1);
  auto launch = gpu::LaunchOp::create(
      builder, b.location(), grid[0], grid[1], grid[2],
      b.index(config.threads()), one, one, /*dynamicSharedMemorySize=*/{},
      /*asyncTokenType=*/nullptr, /*asyncDependencies=*/{},
      TypeRange{aType, bType});

  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&launch.getBody().front());
  auto terminator = gpu::TerminatorOp::create(builder, b.location());
  builder.setInsertionPoint(terminator);

  TiledGemm gemm;
  gemm.cfg = config;
  gemm.launchOp = launch;
  gemm.as = launch.getWorkgroupAttributions()[0];
  gemm.bs = launch.getWorkgroupAttributions()[1];
  gemm.tid = launch.getThreadIds().x;
  Value warp = b.divu(gemm.tid, b.index(32));
  Value lane = b.remu(gemm.tid, b.index(32));
  gemm.group = b.divu(lane, b.index(4));
  gemm.lane4 = b.remu(lane, b.index(4));
  gemm.warpRow = b.mul(b.divu(warp, b.index(config.warpsN)), b.index(32));
  gemm.warpColumn = b.mul(b.remu(warp, b.index(config.warpsN)), b.index(32));
  body(b, gemm);
  return launch;
}

void TiledGemm::barrier(LoopBuilder &b) {
  gpu::BarrierOp::create(b.builder(), b.location());
}

void TiledGemm::fillTiles(LoopBuilder &b, TileLoad loadA, bool aRowFastest,
                          TileLoad loadB, bool bColumnFastest) {
  auto fill = [&](Value tile, int64_t rows, int64_t columns, bool rowFastest,
                  TileLoad load) {
    for (int64_t i = 0; i < rows * columns / cfg.threads(); ++i) {
      Value linear = b.add(tid, b.index(i * cfg.threads()));
      Value row = rowFastest ? b.remu(linear, b.index(rows))
                             : b.divu(linear, b.index(columns));
      Value column = rowFastest ? b.divu(linear, b.index(rows))
                                : b.remu(linear, b.index(columns));
      b.store(load(b, row, column), tile, {row, column});
    }
  };
  fill(as, cfg.tileM(), cfg.kTile, aRowFastest, loadA);
  fill(bs, cfg.kTile, cfg.tileN(), !bColumnFastest, loadB);
}

SmallVector<Value> TiledGemm::zeroAccumulators(LoopBuilder &b) {
  auto type = VectorType::get({2, 2}, b.builder().getF32Type());
  Value zero = arith::ConstantOp::create(
      b.builder(), b.location(), type,
      DenseElementsAttr::get(type, b.builder().getF32FloatAttr(0.0)));
  return SmallVector<Value>(kFragmentsM * kFragmentsN, zero);
}

SmallVector<Value> TiledGemm::multiplyTiles(LoopBuilder &b,
                                            ValueRange accumulators) {
  OpBuilder &builder = b.builder();
  Location loc = b.location();
  Type f32 = builder.getF32Type();
  SmallVector<Value> acc(accumulators);
  auto aAt = [&](int64_t fragment, int64_t rowHalf, Value k) {
    Value row =
        b.add(b.add(warpRow, b.index(fragment * 16 + rowHalf * 8)), group);
    return b.load(as, {row, k});
  };
  auto bAt = [&](int64_t fragment, Value k, Value column) {
    return b.load(bs,
                  {k, b.add(b.add(warpColumn, b.index(fragment * 8)), column)});
  };
  if (cfg.precision == GemmPrecision::F16 ||
      cfg.precision == GemmPrecision::BF16)
    return multiplyHalfTiles(b, accumulators);
  if (cfg.precision == GemmPrecision::TF32) {
    auto aType = VectorType::get({4, 1}, f32);
    auto bType = VectorType::get({2, 1}, f32);
    for (int64_t k8 = 0; k8 < cfg.kTile; k8 += 8) {
      Value kLow = b.add(b.index(k8), lane4);
      Value kHigh = b.add(b.index(k8 + 4), lane4);
      SmallVector<Value> aFragments;
      for (int64_t mi = 0; mi < kFragmentsM; ++mi)
        aFragments.push_back(vector::FromElementsOp::create(
            builder, loc, aType,
            ValueRange{aAt(mi, 0, kLow), aAt(mi, 1, kLow), aAt(mi, 0, kHigh),
                       aAt(mi, 1, kHigh)}));
      for (int64_t ni = 0; ni < kFragmentsN; ++ni) {
        Value bFragment = vector::FromElementsOp::create(
            builder, loc, bType,
            ValueRange{bAt(ni, kLow, group), bAt(ni, kHigh, group)});
        for (int64_t mi = 0; mi < kFragmentsM; ++mi) {
          Value &c = acc[mi * kFragmentsN + ni];
          c = nvgpu::MmaSyncOp::create(builder, loc, aFragments[mi], bFragment,
                                       c, ArrayRef<int64_t>{16, 8, 8},
                                       /*tf32Enabled=*/true);
        }
      }
    }
    return acc;
  }
  auto pairType = VectorType::get({2}, f32);
  Value column0 = b.mul(lane4, b.index(2));
  Value column1 = b.add(column0, b.index(1));
  for (int64_t kk = 0; kk < cfg.kTile; ++kk) {
    Value k = b.index(kk);
    SmallVector<Value> aPairs;
    for (int64_t mi = 0; mi < kFragmentsM; ++mi)
      aPairs.push_back(vector::FromElementsOp::create(
          builder, loc, pairType, ValueRange{aAt(mi, 0, k), aAt(mi, 1, k)}));
    for (int64_t ni = 0; ni < kFragmentsN; ++ni) {
      Value bPair = vector::FromElementsOp::create(
          builder, loc, pairType,
          ValueRange{bAt(ni, k, column0), bAt(ni, k, column1)});
      for (int64_t mi = 0; mi < kFragmentsM; ++mi) {
        Value &c = acc[mi * kFragmentsN + ni];
        c = vector::OuterProductOp::create(builder, loc, c.getType(),
                                           aPairs[mi], bPair, c);
      }
    }
  }
  return acc;
}

void TiledGemm::forEachResult(
    LoopBuilder &b, ValueRange accumulators,
    function_ref<void(LoopBuilder &, Value, Value, Value)> store) {
  for (int64_t mi = 0; mi < kFragmentsM; ++mi)
    for (int64_t ni = 0; ni < kFragmentsN; ++ni)
      for (int64_t r = 0; r < 2; ++r)
        for (int64_t c = 0; c < 2; ++c) {
          Value value = vector::ExtractOp::create(
              b.builder(), b.location(), accumulators[mi * kFragmentsN + ni],
              ArrayRef<int64_t>{r, c});
          Value row = b.add(b.add(warpRow, b.index(mi * 16 + r * 8)), group);
          Value column = b.add(b.add(warpColumn, b.index(ni * 8 + c)),
                               b.mul(lane4, b.index(2)));
          store(b, row, column, value);
        }
}

SmallVector<Value> TiledGemm::multiplyHalfTiles(LoopBuilder &b,
                                                ValueRange accumulators) {
  OpBuilder &builder = b.builder();
  Location loc = b.location();
  bool bf16 = cfg.precision == GemmPrecision::BF16;
  Type half = bf16 ? Type(builder.getBF16Type()) : Type(builder.getF16Type());
  Type f32 = builder.getF32Type(), i32 = builder.getI32Type();
  auto pairType = VectorType::get({2}, half);
  SmallVector<Value> acc(accumulators);
  // Two f32 tile values rounded to halves: one register of a fragment.
  using Pair = std::array<Value, 2>;
  auto pair = [&](Value tile, Value r0, Value c0, Value r1, Value c1) {
    return Pair{
        arith::TruncFOp::create(builder, loc, half, b.load(tile, {r0, c0})),
        arith::TruncFOp::create(builder, loc, half, b.load(tile, {r1, c1}))};
  };
  // A fragment's registers as an nvgpu operand, vector<N x 2 x half>.
  auto asVector = [&](ArrayRef<Pair> registers) {
    SmallVector<Value> elements;
    for (const Pair &p : registers)
      elements.append(p.begin(), p.end());
    return vector::FromElementsOp::create(
               builder, loc,
               VectorType::get({static_cast<int64_t>(registers.size()), 2},
                               half),
               elements)
        .getResult();
  };
  Value t2 = b.mul(lane4, b.index(2));
  Value t2p1 = b.add(t2, b.index(1));
  for (int64_t k16 = 0; k16 < cfg.kTile; k16 += 16) {
    Value kLo = b.add(b.index(k16), t2), kLo1 = b.add(b.index(k16), t2p1);
    Value kHi = b.add(b.index(k16 + 8), t2);
    Value kHi1 = b.add(b.index(k16 + 8), t2p1);
    // A: registers (row g, k 2t..2t+1), (g+8, 2t..), (g, 2t+8..),
    // (g+8, 2t+8..); B: (k 2t..2t+1, column g), (k 2t+8.., g).
    SmallVector<SmallVector<Pair>> aFragments;
    for (int64_t mi = 0; mi < kFragmentsM; ++mi) {
      Value row = b.add(b.add(warpRow, b.index(mi * 16)), group);
      Value row8 = b.add(row, b.index(8));
      aFragments.push_back(
          {pair(as, row, kLo, row, kLo1), pair(as, row8, kLo, row8, kLo1),
           pair(as, row, kHi, row, kHi1), pair(as, row8, kHi, row8, kHi1)});
    }
    for (int64_t ni = 0; ni < kFragmentsN; ++ni) {
      Value column = b.add(b.add(warpColumn, b.index(ni * 8)), group);
      SmallVector<Pair> bFragment = {pair(bs, kLo, column, kLo1, column),
                                     pair(bs, kHi, column, kHi1, column)};
      for (int64_t mi = 0; mi < kFragmentsM; ++mi) {
        Value &c = acc[mi * kFragmentsN + ni];
        if (!bf16) {
          c = nvgpu::MmaSyncOp::create(builder, loc, asVector(aFragments[mi]),
                                       asVector(bFragment), c,
                                       ArrayRef<int64_t>{16, 8, 16});
          continue;
        }
        // nvgpu does not lower bf16: nvvm.mma.sync on packed registers.
        auto packed = [&](ArrayRef<Pair> registers) {
          SmallVector<Value> words;
          for (const Pair &p : registers) {
            Value two = vector::FromElementsOp::create(builder, loc, pairType,
                                                       ValueRange{p[0], p[1]});
            Value word = vector::BitCastOp::create(
                builder, loc, VectorType::get({1}, i32), two);
            words.push_back(vector::ExtractOp::create(builder, loc, word,
                                                      ArrayRef<int64_t>{0}));
          }
          return words;
        };
        SmallVector<Value> cs;
        for (int64_t r = 0; r < 2; ++r)
          for (int64_t col = 0; col < 2; ++col)
            cs.push_back(vector::ExtractOp::create(builder, loc, c,
                                                   ArrayRef<int64_t>{r, col}));
        Type resultType = LLVM::LLVMStructType::getLiteral(
            builder.getContext(), {f32, f32, f32, f32});
        Value d = NVVM::MmaOp::create(
            builder, loc, resultType, packed(aFragments[mi]), packed(bFragment),
            cs, ArrayRef<int64_t>{16, 8, 16}, std::nullopt, std::nullopt,
            std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16,
                                          NVVM::MMATypes::bf16},
            std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                           NVVM::MMALayout::col});
        SmallVector<Value> ds;
        for (int64_t i = 0; i < 4; ++i)
          ds.push_back(LLVM::ExtractValueOp::create(builder, loc, d, i));
        c = vector::FromElementsOp::create(
            builder, loc, VectorType::get({2, 2}, f32), ValueRange{ds});
      }
    }
  }
  return acc;
}
