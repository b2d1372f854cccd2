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

std::string GemmTileConfig::invalidReason() const {
  if (warpsM < 1 || warpsN < 1 || warpsM * warpsN > 32)
    return "at most 32 warps may share a block";
  if (kTile < 16 || kTile % 16 != 0)
    return "k-tile must be a multiple of 16";
  if ((tileM() * kTile) % threads() != 0 || (tileN() * kTile) % threads() != 0)
    return "each thread must fill as many tile elements";
  if (stages < 1 || stages > 4)
    return "stages must be 1 to 4";
  if (splitK < 1 || splitK > 64)
    return "split-k must be 1 to 64";
  if (sharedMemoryBytes() > kMaxStaticSharedMemoryBytes)
    return "its tiles need " + std::to_string(sharedMemoryBytes()) +
           " bytes of shared memory, more than the " +
           std::to_string(kMaxStaticSharedMemoryBytes) + " a block may have";
  return "";
}

std::string GemmTileConfig::str() const {
  return std::to_string(warpsM) + "x" + std::to_string(warpsN) + "x" +
         std::to_string(kTile) + "x" + std::to_string(stages) + "x" +
         std::to_string(splitK);
}

std::optional<GemmTileConfig> GemmTileConfig::parse(StringRef text) {
  SmallVector<StringRef> parts;
  text.split(parts, 'x');
  if (parts.size() != 5)
    return std::nullopt;
  int64_t values[5];
  for (auto [i, part] : llvm::enumerate(parts))
    if (part.getAsInteger(10, values[i]))
      return std::nullopt;
  GemmTileConfig config;
  config.warpsM = values[0];
  config.warpsN = values[1];
  config.kTile = values[2];
  config.stages = values[3];
  config.splitK = values[4];
  return config;
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
  // One stage keeps 2-D tiles; a pipeline has a ring of them.
  auto shape = [&](int64_t rows, int64_t stride) {
    return config.stages == 1
               ? SmallVector<int64_t>{rows, stride}
               : SmallVector<int64_t>{config.stages, rows, stride};
  };
  auto aType = MemRefType::get(shape(config.tileM(), config.aStride()), f32,
                               MemRefLayoutAttrInterface(), workgroup);
  auto bType = MemRefType::get(shape(config.kTile, config.bStride()), f32,
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

SmallVector<Value> TiledGemm::at(Value buffer, Value row, Value column) const {
  if (cfg.stages == 1)
    return {row, column};
  return {buffer, row, column};
}

void TiledGemm::forEachOwned(
    LoopBuilder &b, int64_t rows, int64_t columns, bool rowFastest,
    function_ref<void(LoopBuilder &, Value, Value)> element) {
  for (int64_t i = 0; i < rows * columns / cfg.threads(); ++i) {
    Value linear = b.add(tid, b.index(i * cfg.threads()));
    Value row = rowFastest ? b.remu(linear, b.index(rows))
                           : b.divu(linear, b.index(columns));
    Value column = rowFastest ? b.divu(linear, b.index(rows))
                              : b.remu(linear, b.index(columns));
    element(b, row, column);
  }
}

SmallVector<Value> TiledGemm::accumulate(LoopBuilder &b, Value firstStep,
                                         Value endStep, const TileOperand &a,
                                         const TileOperand &bOp) {
  if (cfg.stages == 1)
    return accumulateInOrder(b, firstStep, endStep, a, bOp);
  return accumulatePipelined(b, firstStep, endStep, a, bOp);
}

namespace {

/// The element's value times its scale where it is inside the operand, 0
/// elsewhere; loads only inside.
Value loadElement(LoopBuilder &b, const TileOperand &operand, Value step,
                  Value row, Value column) {
  auto branch =
      scf::IfOp::create(b.builder(), b.location(), b.builder().getF32Type(),
                        operand.inBounds(b, step, row, column),
                        /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b.builder());
  b.builder().setInsertionPointToStart(&branch.getThenRegion().front());
  auto [memref, indices] = operand.address(b, step, row, column);
  Value value = b.loadF32(memref, indices);
  if (operand.scale)
    value = b.mulf(value, operand.scale(b, step, row, column));
  scf::YieldOp::create(b.builder(), b.location(), value);
  b.builder().setInsertionPointToStart(&branch.getElseRegion().front());
  scf::YieldOp::create(b.builder(), b.location(), b.f32(0.0));
  return branch.getResult(0);
}

} // namespace

SmallVector<Value> TiledGemm::accumulateInOrder(LoopBuilder &b, Value firstStep,
                                                Value endStep,
                                                const TileOperand &a,
                                                const TileOperand &bOp) {
  return b.forEach(
      firstStep, endStep, zeroAccumulators(b),
      [&](LoopBuilder &sb, Value step, ValueRange carried) {
        barrier(sb);
        auto fill = [&](Value tile, int64_t rows, int64_t columns,
                        const TileOperand &operand) {
          forEachOwned(sb, rows, columns, operand.rowFastest,
                       [&](LoopBuilder &lb, Value row, Value column) {
                         lb.store(loadElement(lb, operand, step, row, column),
                                  tile, {row, column});
                       });
        };
        fill(as, cfg.tileM(), cfg.kTile, a);
        fill(bs, cfg.kTile, cfg.tileN(), bOp);
        barrier(sb);
        return multiplyTiles(sb, Value(), carried);
      });
}

SmallVector<Value>
TiledGemm::accumulatePipelined(LoopBuilder &b, Value firstStep, Value endStep,
                               const TileOperand &a, const TileOperand &bOp) {
  OpBuilder &builder = b.builder();
  Location loc = b.location();
  int64_t stages = cfg.stages;
  auto waitForAllBut = [&](LoopBuilder &lb, int64_t pending) {
    NVVM::CpAsyncWaitGroupOp::create(lb.builder(), lb.location(),
                                     lb.builder().getI32IntegerAttr(pending));
  };
  // Starts the copies of `step` into `buffer` (zeros past endStep) as one
  // group.
  auto issue = [&](LoopBuilder &lb, Value step, Value buffer) {
    Value live = lb.cmp(arith::CmpIPredicate::ult, step, endStep);
    auto copy = [&](Value tile, int64_t rows, int64_t columns,
                    const TileOperand &operand) {
      forEachOwned(
          lb, rows, columns, operand.rowFastest,
          [&](LoopBuilder &cb, Value row, Value column) {
            Value inside =
                cb.andi(live, operand.inBounds(cb, step, row, column));
            Value zero = cb.index(0);
            auto [memref, indices] = operand.address(
                cb, cb.select(inside, step, firstStep),
                cb.select(inside, row, zero), cb.select(inside, column, zero));
            nvgpu::DeviceAsyncCopyOp::create(
                cb.builder(), cb.location(),
                nvgpu::DeviceAsyncTokenType::get(cb.builder().getContext()),
                tile, at(buffer, row, column), memref, indices,
                cb.builder().getIndexAttr(1),
                cb.select(inside, cb.index(1), zero), UnitAttr());
          });
    };
    copy(as, cfg.tileM(), cfg.kTile, a);
    copy(bs, cfg.kTile, cfg.tileN(), bOp);
    NVVM::CpAsyncCommitGroupOp::create(lb.builder(), lb.location());
  };
  auto bufferOf = [&](LoopBuilder &lb, Value step) {
    return lb.remu(lb.sub(step, firstStep), lb.index(stages));
  };

  // An empty range issues nothing (pipelined copies read at (firstStep, 0,
  // 0), which the caller guarantees only for a non-empty range).
  Value nonEmpty = b.cmp(arith::CmpIPredicate::ult, firstStep, endStep);
  SmallVector<Value> zeros = zeroAccumulators(b);
  auto branch = scf::IfOp::create(builder, loc, ValueRange(zeros).getTypes(),
                                  nonEmpty, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&branch.getElseRegion().front());
  scf::YieldOp::create(builder, loc, zeros);
  builder.setInsertionPointToStart(&branch.getThenRegion().front());
  for (int64_t s = 0; s + 1 < stages; ++s)
    issue(b, b.add(firstStep, b.index(s)), b.index(s));
  SmallVector<Value> acc = b.forEach(
      firstStep, endStep, zeros,
      [&](LoopBuilder &sb, Value step, ValueRange carried) {
        Value buffer = bufferOf(sb, step);
        // This step's copies are done: the thread's own are visible to it
        // (and can be scaled in place), the barrier makes all of them
        // visible and frees the buffer the last step read.
        waitForAllBut(sb, stages - 2);
        if (a.scale)
          forEachOwned(
              sb, cfg.tileM(), cfg.kTile, a.rowFastest,
              [&](LoopBuilder &lb, Value row, Value column) {
                lb.ifThen(a.inBounds(lb, step, row, column),
                          [&](LoopBuilder &ib) {
                            SmallVector<Value> where = at(buffer, row, column);
                            ib.store(ib.mulf(ib.load(as, where),
                                             a.scale(ib, step, row, column)),
                                     as, where);
                          });
              });
        barrier(sb);
        Value ahead = sb.add(step, sb.index(stages - 1));
        issue(sb, ahead, bufferOf(sb, ahead));
        return multiplyTiles(sb, buffer, carried);
      });
  // No copy may still be writing when the block exits.
  waitForAllBut(b, 0);
  scf::YieldOp::create(builder, loc, acc);
  return SmallVector<Value>(branch.getResults());
}

SmallVector<Value> TiledGemm::zeroAccumulators(LoopBuilder &b) {
  auto type = VectorType::get({2, 2}, b.builder().getF32Type());
  Value zero = arith::ConstantOp::create(
      b.builder(), b.location(), type,
      DenseElementsAttr::get(type, b.builder().getF32FloatAttr(0.0)));
  return SmallVector<Value>(kFragmentsM * kFragmentsN, zero);
}

SmallVector<Value> TiledGemm::multiplyTiles(LoopBuilder &b, Value buffer,
                                            ValueRange accumulators) {
  OpBuilder &builder = b.builder();
  Location loc = b.location();
  Type f32 = builder.getF32Type();
  SmallVector<Value> acc(accumulators);
  auto aAt = [&](int64_t fragment, int64_t rowHalf, Value k) {
    Value row =
        b.add(b.add(warpRow, b.index(fragment * 16 + rowHalf * 8)), group);
    return b.load(as, at(buffer, row, k));
  };
  auto bAt = [&](int64_t fragment, Value k, Value column) {
    return b.load(
        bs,
        at(buffer, k, b.add(b.add(warpColumn, b.index(fragment * 8)), column)));
  };
  if (cfg.precision == GemmPrecision::F16 ||
      cfg.precision == GemmPrecision::BF16)
    return multiplyHalfTiles(b, buffer, accumulators);
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

SmallVector<Value> TiledGemm::multiplyHalfTiles(LoopBuilder &b, Value buffer,
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
    return Pair{arith::TruncFOp::create(builder, loc, half,
                                        b.load(tile, at(buffer, r0, c0))),
                arith::TruncFOp::create(builder, loc, half,
                                        b.load(tile, at(buffer, r1, c1)))};
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
