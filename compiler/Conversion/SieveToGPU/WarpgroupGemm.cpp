//===- WarpgroupGemm.cpp - a warpgroup MMA + TMA GEMM skeleton (sm_90a) ---===//

#include "compiler/Conversion/SieveToGPU/WarpgroupGemm.h"

#include "compiler/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

constexpr int64_t kRowBytes = 128;    // 64 bf16/f16: one swizzle row
constexpr int64_t kGroupBytes = 1024; // 8 rows: a core-matrix group
constexpr int64_t kHalfBytes = 8192;  // a [64][64] box of the NMajor B
constexpr int64_t kSwizzle128B = 1;   // the descriptor's layout type
constexpr int64_t kWaitTicks = 10000000;

Attribute workgroupSpace(MLIRContext *context) {
  return gpu::AddressSpaceAttr::get(context, gpu::AddressSpace::Workgroup);
}

/// Shared memory as NVVM's address space 3, which every conversion to
/// LLVM maps (views of the B tile are lowered outside convert-gpu-to-nvvm,
/// which alone knows #gpu.address_space<workgroup>).
MemRefType sharedType(ArrayRef<int64_t> shape, Type elementType) {
  MLIRContext *context = elementType.getContext();
  return MemRefType::get(shape, elementType, MemRefLayoutAttrInterface(),
                         IntegerAttr::get(IntegerType::get(context, 64), 3));
}

/// The B tile's shape for a layout.
SmallVector<int64_t> bShape(WgmmaBLayout layout) {
  if (layout == WgmmaBLayout::KMajor)
    return {WarpgroupGemm::kTileN, WarpgroupGemm::kTileK};
  return {2, WarpgroupGemm::kTileK, WarpgroupGemm::kTileN / 2};
}

/// A statically allocated, 1024-byte aligned shared-memory tile, declared
/// once per module (gpu-kernel-outlining copies it into each kernel's).
Value sharedTile(LoopBuilder &b, Operation *anchor, StringRef name,
                 MemRefType type) {
  auto module = anchor->getParentOfType<ModuleOp>();
  OpBuilder &builder = b.builder();
  if (!SymbolTable::lookupSymbolIn(module, name)) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(module.getBody());
    memref::GlobalOp::create(builder, b.location(), name,
                             builder.getStringAttr("private"), type,
                             builder.getUnitAttr(), /*constant=*/false,
                             builder.getI64IntegerAttr(kGroupBytes));
  }
  return memref::GetGlobalOp::create(builder, b.location(), type, name);
}

std::string typeSuffix(Type elementType) {
  return elementType.isBF16() ? "bf16" : "f16";
}

Value xori(LoopBuilder &b, Value lhs, Value rhs) {
  return arith::XOrIOp::create(b.builder(), b.location(), lhs, rhs);
}

nvgpu::MBarrierGroupType barrierType(MLIRContext *context) {
  return nvgpu::MBarrierGroupType::get(context, workgroupSpace(context));
}

NVVM::WGMMATypes wgmmaType(Type elementType) {
  return elementType.isBF16() ? NVVM::WGMMATypes::bf16 : NVVM::WGMMATypes::f16;
}

/// The accumulator of one m64n128 wgmma: 64 f32 registers a thread.
LLVM::LLVMStructType accumulatorType(MLIRContext *context) {
  SmallVector<Type> fields(WarpgroupGemm::kTileN / 2,
                           Float32Type::get(context));
  return LLVM::LLVMStructType::getLiteral(context, fields);
}

} // namespace

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

nvgpu::TensorMapDescriptorType TmaWeight::mapType(Type element,
                                                  WgmmaBLayout layout) {
  int64_t boxRows = layout == WgmmaBLayout::KMajor ? WarpgroupGemm::kTileN
                                                   : WarpgroupGemm::kTileK;
  return nvgpu::TensorMapDescriptorType::get(
      element.getContext(), sharedType({1, boxRows, kRowBytes / 2}, element),
      nvgpu::TensorMapSwizzleKind::SWIZZLE_128B,
      nvgpu::TensorMapL2PromoKind::L2PROMO_128B,
      nvgpu::TensorMapOOBKind::OOB_ZERO,
      nvgpu::TensorMapInterleaveKind::INTERLEAVE_NONE);
}

Value TmaWeight::create(LoopBuilder &b, Value weight, WgmmaBLayout layout) {
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
  ArrayRef<int64_t> box = mapType(element, layout).getTensor().getShape();
  Value cast = memref::CastOp::create(builder, b.location(), dynamic, weight);
  return func::CallOp::create(builder, b.location(), function,
                              ValueRange{cast, b.i64(box[1])})
      .getResult(0);
}

//===----------------------------------------------------------------------===//
// WarpgroupGemm
//===----------------------------------------------------------------------===//

gpu::LaunchOp
WarpgroupGemm::launch(LoopBuilder &b, Operation *anchor, Type elementType,
                      WgmmaBLayout bLayout, std::array<Value, 3> grid,
                      function_ref<void(LoopBuilder &, WarpgroupGemm &)> body) {
  OpBuilder &builder = b.builder();
  MLIRContext *context = builder.getContext();
  std::string suffix = typeSuffix(elementType);
  Value one = b.index(1);
  auto launch = gpu::LaunchOp::create(builder, b.location(), grid[0], grid[1],
                                      grid[2], b.index(kThreads), one, one);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&launch.getBody().front());
  auto terminator = gpu::TerminatorOp::create(builder, b.location());
  builder.setInsertionPoint(terminator);

  WarpgroupGemm gemm;
  gemm.bLayout = bLayout;
  gemm.elementType = elementType;
  gemm.launchOp = launch;
  gemm.tid = launch.getThreadIds().x;
  gemm.as = sharedTile(b, anchor, "__sieve_wgmma_a_" + suffix,
                       sharedType({kTileM, kTileK}, elementType));
  gemm.bs =
      sharedTile(b, anchor,
                 std::string("__sieve_wgmma_b_") +
                     (bLayout == WgmmaBLayout::KMajor ? "k_" : "n_") + suffix,
                 sharedType(bShape(bLayout), elementType));
  // One mbarrier counts the bytes of a step's TMA boxes; thread 0 arrives.
  gemm.barriers = nvgpu::MBarrierCreateOp::create(builder, b.location(),
                                                  barrierType(context));
  Value first = b.cmp(arith::CmpIPredicate::eq, gemm.tid, b.index(0));
  nvgpu::MBarrierInitOp::create(builder, b.location(), gemm.barriers, one,
                                b.index(0), first);
  gpu::BarrierOp::create(builder, b.location());
  body(b, gemm);
  return launch;
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

void WarpgroupGemm::loadBoxes(LoopBuilder &b, Value step,
                              const WgmmaStep &what) {
  Value first = b.cmp(arith::CmpIPredicate::eq, tid, b.index(0));
  b.ifThen(first, [&](LoopBuilder &tb) {
    OpBuilder &builder = tb.builder();
    Location loc = tb.location();
    int64_t boxes = bLayout == WgmmaBLayout::KMajor ? 1 : 2;
    nvgpu::MBarrierArriveExpectTxOp::create(builder, loc, barriers,
                                            tb.index(kTileN * kTileK * 2),
                                            tb.index(0), Value());
    // The runtime's pointer as the tensor map the TMA ops take (after
    // outlining, a kernel argument; the conversion to NVVM folds it back).
    nvgpu::TensorMapDescriptorType mapType =
        TmaWeight::mapType(elementType, bLayout);
    Value map = UnrealizedConversionCastOp::create(builder, loc, mapType,
                                                   what.tensorMap)
                    .getResult(0);
    for (int64_t box = 0; box < boxes; ++box) {
      Value dst = bs;
      if (bLayout == WgmmaBLayout::NMajor) {
        auto tileType = cast<MemRefType>(bs.getType());
        auto half = memref::SubViewOp::create(
            builder, loc, bs,
            ArrayRef<OpFoldResult>{builder.getIndexAttr(box),
                                   builder.getIndexAttr(0),
                                   builder.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{
                builder.getIndexAttr(1),
                builder.getIndexAttr(tileType.getDimSize(1)),
                builder.getIndexAttr(tileType.getDimSize(2))},
            ArrayRef<OpFoldResult>{builder.getIndexAttr(1),
                                   builder.getIndexAttr(1),
                                   builder.getIndexAttr(1)});
        dst = half;
      } else {
        dst = memref::ExpandShapeOp::create(
            builder, loc, mapType.getTensor().getShape(), bs,
            ArrayRef<ReassociationIndices>{{0, 1}, {2}});
      }
      nvgpu::TmaAsyncLoadOp::create(builder, loc, dst, barriers, map,
                                    what.boxAt(tb, step, box), tb.index(0),
                                    Value(), Value());
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

void WarpgroupGemm::multiply(LoopBuilder &b, SmallVector<Value> &accumulators) {
  OpBuilder &builder = b.builder();
  Location loc = b.location();
  MLIRContext *context = builder.getContext();
  NVVM::WgmmaFenceAlignedOp::create(builder, loc);
  for (int64_t half = 0; half < 2; ++half) {
    for (int64_t k = 0; k < kTileK / 16; ++k) {
      // A: K-major rows; a k-step of 16 elements is 32 bytes into the row.
      Value a = descriptor(b, as, half * 64 * kRowBytes + k * 32,
                           /*leadingBytes=*/16, kGroupBytes);
      // B: K-major like A, or N-major (16 rows of k a step, the two
      // 64-column boxes kHalfBytes apart), which wgmma reads transposed.
      Value bDesc =
          bLayout == WgmmaBLayout::KMajor
              ? descriptor(b, bs, k * 32, /*leadingBytes=*/16, kGroupBytes)
              : descriptor(b, bs, k * 16 * kRowBytes, kHalfBytes, kGroupBytes);
      // NVVM's B layouts: col is K-major (PTX imm-trans-b 0), row is
      // N-major (imm-trans-b 1).
      auto layoutB = bLayout == WgmmaBLayout::KMajor ? NVVM::MMALayout::col
                                                     : NVVM::MMALayout::row;
      accumulators[half] = NVVM::WgmmaMmaAsyncOp::create(
          builder, loc, accumulatorType(context), accumulators[half], a, bDesc,
          NVVM::MMAShapeAttr::get(context, 64, kTileN, 16),
          wgmmaType(elementType), wgmmaType(elementType), NVVM::WGMMATypes::f32,
          NVVM::WGMMAScaleOut::one, NVVM::WGMMAScaleIn::one,
          NVVM::WGMMAScaleIn::one, NVVM::MMALayout::row, layoutB,
          NVVM::MMAIntOverflowAttr());
    }
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(builder, loc);
  NVVM::WgmmaWaitGroupSyncOp::create(builder, loc, 0);
}

SmallVector<Value> WarpgroupGemm::accumulate(LoopBuilder &b, Value firstStep,
                                             Value endStep,
                                             const WgmmaStep &step) {
  OpBuilder &builder = b.builder();
  MLIRContext *context = builder.getContext();
  Value zero =
      LLVM::ZeroOp::create(builder, b.location(), accumulatorType(context));
  if (step.tensorMap) {
    // The map was copied to global memory by the host: acquire it for the
    // TMA unit (tensormap proxy) before thread 0 first uses it.
    Value first = b.cmp(arith::CmpIPredicate::eq, tid, b.index(0));
    b.ifThen(first, [&](LoopBuilder &tb) {
      Value map = UnrealizedConversionCastOp::create(
                      tb.builder(), tb.location(),
                      TmaWeight::mapType(elementType, bLayout), step.tensorMap)
                      .getResult(0);
      nvgpu::TmaFenceOp::create(tb.builder(), tb.location(), map);
      nvgpu::TmaPrefetchOp::create(tb.builder(), tb.location(), map, Value());
    });
  }
  return b.forEach(
      firstStep, endStep, {zero, zero},
      [&](LoopBuilder &lb, Value s, ValueRange state) {
        OpBuilder &ib = lb.builder();
        Location loc = lb.location();
        SmallVector<Value> accumulators(state);
        // The previous step's multiply has finished reading the tiles.
        gpu::BarrierOp::create(ib, loc);
        if (step.tensorMap)
          loadBoxes(lb, s, step);
        step.fill(lb, s);
        // The threads' shared stores, visible to the tensor cores.
        NVVM::FenceProxyOp::create(
            ib, loc, NVVM::ProxyKind::async_shared,
            NVVM::SharedSpaceAttr::get(context, NVVM::SharedSpace::shared_cta));
        gpu::BarrierOp::create(ib, loc);
        if (step.tensorMap) {
          // Phase parity of the step: the barrier completes once a step.
          Value parity = arith::TruncIOp::create(
              ib, loc, ib.getI1Type(),
              arith::IndexCastUIOp::create(ib, loc, ib.getI64Type(),
                                           lb.sub(s, firstStep)));
          nvgpu::MBarrierTryWaitParityOp::create(
              ib, loc, barriers, parity, lb.index(kWaitTicks), lb.index(0));
        }
        multiply(lb, accumulators);
        return accumulators;
      });
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
  for (int64_t half = 0; half < 2; ++half) {
    for (int64_t i = 0; i < kTileN / 2; ++i) {
      Value row = b.add(rowBase, b.index(half * 64 + 8 * ((i / 2) % 2)));
      Value column = b.add(columnBase, b.index(8 * (i / 4) + i % 2));
      Value value = LLVM::ExtractValueOp::create(b.builder(), b.location(),
                                                 accumulators[half], i);
      store(b, row, column, value);
    }
  }
}
