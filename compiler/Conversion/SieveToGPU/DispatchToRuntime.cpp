//===- DispatchToRuntime.cpp - sieve.dispatch as a call of the runtime ----===//
//
// The sort of the routed pairs by expert is a support kernel the CUDA
// runtime builds with CUB (RoutingSupport); a bundle compiled with
// --gpu-dispatch cub calls it instead of generating the counting sort.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/Passes.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::sieve {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter" // generated code
#define GEN_PASS_DEF_CONVERTDISPATCHTORUNTIME
#include "compiler/Conversion/Passes.h.inc"
#pragma GCC diagnostic pop
} // namespace mlir::sieve

using namespace mlir;
using namespace mlir::sieve;

namespace {

constexpr StringLiteral kSortFunction = "sieve_gpu_sort_pairs_by_expert";
/// The most experts the runtime's sort takes (its scan is one block).
constexpr int64_t kMaxRuntimeSortExperts = 1023;

bool isI32Buffer(Value value) {
  auto type = dyn_cast<MemRefType>(value.getType());
  return type && type.getElementType().isInteger(32) &&
         type.getLayout().isIdentity();
}

struct ConvertDispatchToRuntimePass
    : mlir::sieve::impl::ConvertDispatchToRuntimeBase<
          ConvertDispatchToRuntimePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<DispatchOp> dispatches;
    module.walk([&](DispatchOp op) {
      if (op.hasPureBufferSemantics() &&
          op.getNumExperts() <= kMaxRuntimeSortExperts &&
          isI32Buffer(op.getExperts()) && isI32Buffer(op.getPairsInit()) &&
          isI32Buffer(op.getOffsetsInit()))
        dispatches.push_back(op);
    });
    if (dispatches.empty())
      return;

    MLIRContext *context = &getContext();
    Type i32 = IntegerType::get(context, 32);
    auto dynamic = [&](int64_t rank) {
      return MemRefType::get(SmallVector<int64_t>(rank, ShapedType::kDynamic),
                             i32);
    };
    SmallVector<Type> argumentTypes = {dynamic(2), dynamic(1), dynamic(1)};
    auto function = module.lookupSymbol<func::FuncOp>(kSortFunction);
    if (!function) {
      auto builder = OpBuilder::atBlockBegin(module.getBody());
      function =
          func::FuncOp::create(builder, module.getLoc(), kSortFunction,
                               FunctionType::get(context, argumentTypes, {}));
      function.setPrivate();
      function->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                        UnitAttr::get(context));
      function->setAttr(kRuntimeCallAttrName, UnitAttr::get(context));
    }
    for (DispatchOp op : dispatches) {
      OpBuilder builder(op);
      SmallVector<Value> operands = {op.getExperts(), op.getPairsInit(),
                                     op.getOffsetsInit()};
      SmallVector<Value> arguments;
      for (auto [value, type] : llvm::zip(operands, argumentTypes))
        arguments.push_back(
            value.getType() == type
                ? value
                : memref::CastOp::create(builder, op.getLoc(), type, value)
                      .getResult());
      func::CallOp::create(builder, op.getLoc(), function, arguments);
      op.erase();
    }
  }
};

} // namespace
