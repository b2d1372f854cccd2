//===- WarpgroupGemm.cpp - a warpgroup MMA + TMA GEMM skeleton (sm_90a) ---===//

#include "compiler/Conversion/SieveToGPU/WarpgroupGemm.h"

#include "compiler/Conversion/Passes.h"
#include "compiler/Conversion/SieveToGPU/TiledGemm.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

constexpr int64_t kRowBytes = 128;    // 64 bf16/f16: one swizzle row
constexpr int64_t kGroupBytes = 1024; // 8 rows: a core-matrix group
constexpr int64_t kBoxBytes = 8192;   // a [64][64] box of the NMajor B
constexpr int64_t kSwizzle128B = 1;   // the descriptor's layout type
constexpr int64_t kWaitTicks = 10000000;

Attribute workgroupSpace(MLIRContext *context) {
  return gpu::AddressSpaceAttr::get(context, gpu::AddressSpace::Workgroup);
}

/// Shared memory as NVVM's address space 3, which every conversion to
/// LLVM maps (views of the ring are lowered outside convert-gpu-to-nvvm,
/// which alone knows #gpu.address_space<workgroup>).
MemRefType sharedType(ArrayRef<int64_t> shape, Type elementType) {
  MLIRContext *context = elementType.getContext();
  return MemRefType::get(shape, elementType, MemRefLayoutAttrInterface(),
                         IntegerAttr::get(IntegerType::get(context, 64), 3));
}

std::string typeSuffix(Type elementType) {
  return elementType.isBF16() ? "bf16" : "f16";
}

Value xori(LoopBuilder &b, Value lhs, Value rhs) {
  return arith::XOrIOp::create(b.builder(), b.location(), lhs, rhs);
}

NVVM::WGMMATypes wgmmaType(Type elementType) {
  return elementType.isBF16() ? NVVM::WGMMATypes::bf16 : NVVM::WGMMATypes::f16;
}

/// The accumulator of one m64nN wgmma: N / 2 f32 registers a thread.
LLVM::LLVMStructType accumulatorType(MLIRContext *context, int64_t n) {
  SmallVector<Type> fields(n / 2, Float32Type::get(context));
  return LLVM::LLVMStructType::getLiteral(context, fields);
}

} // namespace

//===----------------------------------------------------------------------===//
// WgmmaTileConfig
//===----------------------------------------------------------------------===//

std::optional<WgmmaTileConfig>
WgmmaTileConfig::from(const GemmTileConfig &config) {
  if (config.warpsM < 1 || config.warpsM > 2 ||
      !llvm::is_contained({1, 2, 4}, config.warpsN))
    return std::nullopt;
  WgmmaTileConfig wgmma;
  wgmma.tileM = 64 * config.warpsM;
  wgmma.tileN = 64 * config.warpsN;
  wgmma.stages = config.stages;
  wgmma.splitK = config.splitK;
  // 255 registers a thread: the accumulators may take half.
  if (wgmma.accumulators() * wgmma.tileN / 2 > 128)
    return std::nullopt;
  return wgmma;
}

std::string WgmmaTileConfig::str() const {
  return "wgmma " + std::to_string(tileM) + "x" + std::to_string(tileN) +
         " stages " + std::to_string(stages) + " split-k " +
         std::to_string(splitK);
}

//===----------------------------------------------------------------------===//
// TmaWeight
//===----------------------------------------------------------------------===//

bool TmaWeight::supports(Value weight) {
  auto type = dyn_cast<MemRefType>(weight.getType());
  if (!type || type.getRank() != 3 || !type.hasStaticShape() ||
      !type.getLayout().isIdentity())
    return false;
  Type element = type.getElementType();
  if (!element.isBF16() && !element.isF16())
    return false;
  // TMA: global strides in multiples of 16 bytes, dimensions below 2^32.
  return type.getDimSize(2) % 8 == 0 &&
         llvm::all_of(type.getShape(),
                      [](int64_t size) { return size < (int64_t(1) << 32); });
}

nvgpu::TensorMapDescriptorType
TmaWeight::mapType(Type element, WgmmaBLayout layout,
                   const WgmmaTileConfig &config) {
  int64_t boxRows =
      layout == WgmmaBLayout::KMajor ? config.tileN : WarpgroupGemm::kTileK;
  return nvgpu::TensorMapDescriptorType::get(
      element.getContext(), sharedType({1, boxRows, kRowBytes / 2}, element),
      nvgpu::TensorMapSwizzleKind::SWIZZLE_128B,
      nvgpu::TensorMapL2PromoKind::L2PROMO_128B,
      nvgpu::TensorMapOOBKind::OOB_ZERO,
      nvgpu::TensorMapInterleaveKind::INTERLEAVE_NONE);
}

Value TmaWeight::create(LoopBuilder &b, Value weight, WgmmaBLayout layout,
                        const WgmmaTileConfig &config) {
  OpBuilder &builder = b.builder();
  MLIRContext *context = builder.getContext();
  auto type = cast<MemRefType>(weight.getType());
  Type element = type.getElementType();
  auto dynamic =
      MemRefType::get(SmallVector<int64_t>(3, ShapedType::kDynamic), element);
  auto pointer = LLVM::LLVMPointerType::get(context);
  std::string name = (kTensorMapFunction + "_" + typeSuffix(element)).str();
  auto module =
      weight.getParentRegion()->getParentOp()->getParentOfType<ModuleOp>();
  auto function = module.lookupSymbol<func::FuncOp>(name);
  if (!function) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(module.getBody());
    function = func::FuncOp::create(
        builder, b.location(), name,
        FunctionType::get(context, {dynamic, builder.getI64Type()}, {pointer}));
    function.setPrivate();
    function->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                      UnitAttr::get(context));
    function->setAttr(kRuntimeCallAttrName, UnitAttr::get(context));
  }
  ArrayRef<int64_t> box =
      mapType(element, layout, config).getTensor().getShape();
  Value cast = memref::CastOp::create(builder, b.location(), dynamic, weight);
  return func::CallOp::create(builder, b.location(), function,
                              ValueRange{cast, b.i64(box[1])})
      .getResult(0);
}

//===----------------------------------------------------------------------===//
// WarpgroupGemm
//===----------------------------------------------------------------------===//

gpu::LaunchOp
WarpgroupGemm::launch(LoopBuilder &b, const WgmmaTileConfig &config,
                      Type elementType, WgmmaBLayout bLayout,
                      std::array<Value, 3> grid,
                      function_ref<void(LoopBuilder &, WarpgroupGemm &)> body) {
  OpBuilder &builder = b.builder();
  MLIRContext *context = builder.getContext();
  Location loc = b.location();
  Value one = b.index(1);
  Value sharedBytes = arith::ConstantIntOp::create(
      builder, loc, config.sharedMemoryBytes(), /*width=*/32);
  auto launch = gpu::LaunchOp::create(builder, loc, grid[0], grid[1], grid[2],
                                      b.index(kThreads), one, one, sharedBytes);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&launch.getBody().front());
  auto terminator = gpu::TerminatorOp::create(builder, loc);
  builder.setInsertionPoint(terminator);

  WarpgroupGemm gemm;
  gemm.cfg = config;
  gemm.bLayout = bLayout;
  gemm.elementType = elementType;
  gemm.launchOp = launch;
  gemm.tid = launch.getThreadIds().x;
  Type i8 = builder.getI8Type();
  Value dynamic = gpu::DynamicSharedMemoryOp::create(
      builder, loc,
      MemRefType::get({ShapedType::kDynamic}, i8, MemRefLayoutAttrInterface(),
                      workgroupSpace(context)));
  gemm.ring = memref::MemorySpaceCastOp::create(
      builder, loc, sharedType({ShapedType::kDynamic}, i8), dynamic);
  // The ring starts at the first 1024-byte boundary past the dynamic
  // symbol's address: NVPTX may emit the symbol as a one-byte static
  // variable, and the kernel's other static shared memory (the mbarriers,
  // well under 1 KiB) lies before that boundary either way; the launch asks
  // for the 1024 bytes this can skip.
  Value base =
      memref::ExtractAlignedPointerAsIndexOp::create(builder, loc, gemm.ring);
  Value aligned =
      b.mul(b.divu(b.add(base, b.index(kGroupBytes)), b.index(kGroupBytes)),
            b.index(kGroupBytes));
  gemm.ringStart = b.sub(aligned, base);
  // An mbarrier a ring buffer counts the bytes of its TMA boxes; thread 0
  // arrives.
  gemm.barriers = nvgpu::MBarrierCreateOp::create(
      builder, loc,
      nvgpu::MBarrierGroupType::get(context, workgroupSpace(context),
                                    config.stages));
  Value first = b.cmp(arith::CmpIPredicate::eq, gemm.tid, b.index(0));
  for (int64_t stage = 0; stage < config.stages; ++stage)
    nvgpu::MBarrierInitOp::create(builder, loc, gemm.barriers, one,
                                  b.index(stage), first);
  gpu::BarrierOp::create(builder, loc);
  body(b, gemm);
  return launch;
}

Value WarpgroupGemm::ringView(LoopBuilder &b, Value byteOffset,
                              ArrayRef<int64_t> shape) {
  return memref::ViewOp::create(b.builder(), b.location(),
                                sharedType(shape, elementType), ring,
                                b.add(ringStart, byteOffset), ValueRange{});
}

WgmmaTiles WarpgroupGemm::tilesAt(LoopBuilder &b, Value stage) {
  Value offset = b.mul(stage, b.index(cfg.stageBytes()));
  Value bOffset = b.add(offset, b.index(cfg.tileM * kRowBytes));
  WgmmaTiles tiles;
  tiles.a = ringView(b, offset, {cfg.tileM, kTileK});
  tiles.b = bLayout == WgmmaBLayout::KMajor
                ? ringView(b, bOffset, {cfg.tileN, kTileK})
                : ringView(b, bOffset, {cfg.tileN / 64, kTileK, 64});
  return tiles;
}

void WarpgroupGemm::fillKMajor(LoopBuilder &b, Value tile, bool rowFastest,
                               const At &inBounds, const At &value) {
  auto type = cast<MemRefType>(tile.getType());
  int64_t rows = type.getDimSize(0);
  Type tileElement = type.getElementType();
  OpBuilder &builder = b.builder();
  Value zero = arith::ConstantOp::create(builder, b.location(),
                                         builder.getZeroAttr(tileElement));
  b.forEach(b.index(0), b.index(rows * kTileK / kThreads),
            [&](LoopBuilder &lb, Value i) {
              Value linear = lb.add(lb.mul(i, lb.index(kThreads)), tid);
              Value row = rowFastest ? lb.remu(linear, lb.index(rows))
                                     : lb.divu(linear, lb.index(kTileK));
              Value k = rowFastest ? lb.divu(linear, lb.index(rows))
                                   : lb.remu(linear, lb.index(kTileK));
              // The 128-byte swizzle: 16-byte chunk c of row r at c ^ r % 8.
              Value chunk =
                  xori(lb, lb.divu(k, lb.index(8)), lb.remu(row, lb.index(8)));
              Value column =
                  lb.add(lb.mul(chunk, lb.index(8)), lb.remu(k, lb.index(8)));
              lb.store(zero, tile, {row, column});
              lb.ifThen(inBounds(lb, row, k), [&](LoopBuilder &tb) {
                Value v = value(tb, row, k);
                if (v.getType() != tileElement) {
                  Value f32 =
                      v.getType().isF32()
                          ? v
                          : arith::ExtFOp::create(tb.builder(), tb.location(),
                                                  tb.builder().getF32Type(), v);
                  v = arith::TruncFOp::create(tb.builder(), tb.location(),
                                              tileElement, f32);
                }
                tb.store(v, tile, {row, column});
              });
            });
}

void WarpgroupGemm::loadBoxes(LoopBuilder &b, Value step, Value stage,
                              const WgmmaStep &what) {
  Value first = b.cmp(arith::CmpIPredicate::eq, tid, b.index(0));
  b.ifThen(first, [&](LoopBuilder &tb) {
    OpBuilder &builder = tb.builder();
    Location loc = tb.location();
    int64_t boxes = bLayout == WgmmaBLayout::KMajor ? 1 : cfg.tileN / 64;
    nvgpu::MBarrierArriveExpectTxOp::create(builder, loc, barriers,
                                            tb.index(cfg.tileN * kTileK * 2),
                                            stage, Value());
    // The runtime's pointer as the tensor map the TMA ops take (after
    // outlining, a kernel argument; the conversion to NVVM folds it back).
    nvgpu::TensorMapDescriptorType mapType =
        TmaWeight::mapType(elementType, bLayout, cfg);
    Value map = UnrealizedConversionCastOp::create(builder, loc, mapType,
                                                   what.tensorMap)
                    .getResult(0);
    Value bOffset = tb.add(tb.mul(stage, tb.index(cfg.stageBytes())),
                           tb.index(cfg.tileM * kRowBytes));
    for (int64_t box = 0; box < boxes; ++box) {
      Value dst = ringView(tb, tb.add(bOffset, tb.index(box * kBoxBytes)),
                           mapType.getTensor().getShape());
      nvgpu::TmaAsyncLoadOp::create(builder, loc, dst, barriers, map,
                                    what.boxAt(tb, step, box), stage, Value(),
                                    Value());
    }
  });
}

Value WarpgroupGemm::descriptor(LoopBuilder &b, Value tile, int64_t byteOffset,
                                int64_t leadingBytes, int64_t strideBytes) {
  OpBuilder &builder = b.builder();
  Location loc = b.location();
  Type i64 = builder.getI64Type();
  auto constant = [&](int64_t value) {
    return arith::ConstantOp::create(builder, loc,
                                     builder.getI64IntegerAttr(value));
  };
  Value address =
      memref::ExtractAlignedPointerAsIndexOp::create(builder, loc, tile);
  address = arith::IndexCastUIOp::create(builder, loc, i64, address);
  address = arith::AddIOp::create(builder, loc, address, constant(byteOffset));
  // Bits 0-13: the shared address / 16 (18 bits of address).
  Value start = arith::ShRUIOp::create(
      builder, loc,
      arith::AndIOp::create(builder, loc, address, constant(0x3FFFF)),
      constant(4));
  int64_t fixed = ((leadingBytes >> 4) << 16) | ((strideBytes >> 4) << 32) |
                  (kSwizzle128B << 62);
  return arith::OrIOp::create(builder, loc, start, constant(fixed));
}

void WarpgroupGemm::multiply(LoopBuilder &b, const WgmmaTiles &tiles,
                             SmallVector<Value> &accumulators) {
  OpBuilder &builder = b.builder();
  Location loc = b.location();
  MLIRContext *context = builder.getContext();
  NVVM::WgmmaFenceAlignedOp::create(builder, loc);
  for (int64_t m = 0; m < cfg.accumulators(); ++m) {
    for (int64_t k = 0; k < kTileK / 16; ++k) {
      // A: K-major rows; a k-step of 16 elements is 32 bytes into the row.
      Value a = descriptor(b, tiles.a, m * 64 * kRowBytes + k * 32,
                           /*leadingBytes=*/16, kGroupBytes);
      // B: K-major like A, or N-major (16 rows of k a step, the 64-column
      // boxes kBoxBytes apart), which wgmma reads transposed.
      Value bDesc =
          bLayout == WgmmaBLayout::KMajor
              ? descriptor(b, tiles.b, k * 32, /*leadingBytes=*/16, kGroupBytes)
              : descriptor(b, tiles.b, k * 16 * kRowBytes, kBoxBytes,
                           kGroupBytes);
      // NVVM's B layouts: col is K-major (PTX imm-trans-b 0), row is
      // N-major (imm-trans-b 1).
      auto layoutB = bLayout == WgmmaBLayout::KMajor ? NVVM::MMALayout::col
                                                     : NVVM::MMALayout::row;
      accumulators[m] = NVVM::WgmmaMmaAsyncOp::create(
          builder, loc, accumulatorType(context, cfg.tileN), accumulators[m], a,
          bDesc, NVVM::MMAShapeAttr::get(context, 64, cfg.tileN, 16),
          wgmmaType(elementType), wgmmaType(elementType), NVVM::WGMMATypes::f32,
          NVVM::WGMMAScaleOut::one, NVVM::WGMMAScaleIn::one,
          NVVM::WGMMAScaleIn::one, NVVM::MMALayout::row, layoutB,
          NVVM::MMAIntOverflowAttr());
    }
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(builder, loc);
}

SmallVector<Value> WarpgroupGemm::accumulate(LoopBuilder &b, Value firstStep,
                                             Value endStep,
                                             const WgmmaStep &step) {
  OpBuilder &builder = b.builder();
  MLIRContext *context = builder.getContext();
  int64_t stages = cfg.stages;
  // wgmma groups left in flight while the next step's tiles are stored,
  // and how far ahead TMA boxes are requested: a buffer is rewritten only
  // once the group that read it has completed.
  int64_t inFlight = stages > 1 ? 1 : 0;
  int64_t lookahead = stages - 1 - inFlight;
  Value zero = LLVM::ZeroOp::create(builder, b.location(),
                                    accumulatorType(context, cfg.tileN));
  Value first = b.cmp(arith::CmpIPredicate::eq, tid, b.index(0));
  auto stageOf = [&](LoopBuilder &lb, Value i) {
    return lb.remu(i, lb.index(stages));
  };
  if (step.tensorMap) {
    // The map was copied to global memory by the host: acquire it for the
    // TMA unit (tensormap proxy) before thread 0 first uses it.
    b.ifThen(first, [&](LoopBuilder &tb) {
      Value map =
          UnrealizedConversionCastOp::create(
              tb.builder(), tb.location(),
              TmaWeight::mapType(elementType, bLayout, cfg), step.tensorMap)
              .getResult(0);
      nvgpu::TmaFenceOp::create(tb.builder(), tb.location(), map);
      nvgpu::TmaPrefetchOp::create(tb.builder(), tb.location(), map, Value());
    });
    for (int64_t ahead = 0; ahead < lookahead; ++ahead) {
      Value s = b.add(firstStep, b.index(ahead));
      b.ifThen(
          b.cmp(arith::CmpIPredicate::ult, s, endStep),
          [&](LoopBuilder &tb) { loadBoxes(tb, s, tb.index(ahead), step); });
    }
  }
  SmallVector<Value> zeros(cfg.accumulators(), zero);
  SmallVector<Value> result = b.forEach(
      firstStep, endStep, zeros,
      [&](LoopBuilder &lb, Value s, ValueRange state) {
        OpBuilder &ib = lb.builder();
        Location loc = lb.location();
        SmallVector<Value> accumulators(state);
        Value i = lb.sub(s, firstStep);
        Value stage = stageOf(lb, i);
        // The multiplies that read the buffers about to be rewritten have
        // finished, in every warp.
        if (inFlight > 0)
          NVVM::WgmmaWaitGroupSyncOp::create(ib, loc, inFlight);
        gpu::BarrierOp::create(ib, loc);
        if (step.tensorMap) {
          if (lookahead == 0) {
            loadBoxes(lb, s, stage, step);
          } else {
            Value next = lb.add(s, lb.index(lookahead));
            lb.ifThen(lb.cmp(arith::CmpIPredicate::ult, next, endStep),
                      [&](LoopBuilder &tb) {
                        loadBoxes(tb, next,
                                  stageOf(tb, tb.add(i, tb.index(lookahead))),
                                  step);
                      });
          }
        }
        WgmmaTiles tiles = tilesAt(lb, stage);
        step.fill(lb, s, tiles);
        // The threads' shared stores, visible to the tensor cores.
        NVVM::FenceProxyOp::create(
            ib, loc, NVVM::ProxyKind::async_shared,
            NVVM::SharedSpaceAttr::get(context, NVVM::SharedSpace::shared_cta));
        gpu::BarrierOp::create(ib, loc);
        if (step.tensorMap) {
          // A buffer's barrier completes a phase each time the ring comes
          // round to it: wait for parity (i / stages) % 2.
          Value parity = arith::TruncIOp::create(
              ib, loc, ib.getI1Type(),
              arith::IndexCastUIOp::create(ib, loc, ib.getI64Type(),
                                           lb.divu(i, lb.index(stages))));
          nvgpu::MBarrierTryWaitParityOp::create(ib, loc, barriers, parity,
                                                 lb.index(kWaitTicks), stage);
        }
        multiply(lb, tiles, accumulators);
        if (inFlight == 0)
          NVVM::WgmmaWaitGroupSyncOp::create(ib, loc, 0);
        return accumulators;
      });
  if (inFlight > 0)
    NVVM::WgmmaWaitGroupSyncOp::create(builder, b.location(), 0);
  return result;
}

void WarpgroupGemm::forEachResult(
    LoopBuilder &b, ValueRange accumulators,
    function_ref<void(LoopBuilder &, Value, Value, Value)> store) {
  Value warp = b.divu(tid, b.index(32));
  Value lane = b.remu(tid, b.index(32));
  // The m64nNk16 f32 accumulator: warp w holds rows 16w to 16w + 15;
  // register i of lane l is row l/4 (+8 for i % 4 >= 2), column
  // 8 (i / 4) + 2 (l % 4) + i % 2.
  Value rowBase = b.add(b.mul(warp, b.index(16)), b.divu(lane, b.index(4)));
  Value columnBase = b.mul(b.remu(lane, b.index(4)), b.index(2));
  for (int64_t m = 0; m < cfg.accumulators(); ++m) {
    for (int64_t i = 0; i < cfg.tileN / 2; ++i) {
      Value row = b.add(rowBase, b.index(m * 64 + 8 * ((i / 2) % 2)));
      Value column = b.add(columnBase, b.index(8 * (i / 4) + i % 2));
      Value value = LLVM::ExtractValueOp::create(b.builder(), b.location(),
                                                 accumulators[m], i);
      store(b, row, column, value);
    }
  }
}
