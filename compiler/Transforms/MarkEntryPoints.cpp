//===- MarkEntryPoints.cpp - C interfaces for the runtime -----------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::sieve {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter" // generated code
#define GEN_PASS_DEF_MARKENTRYPOINTS
#include "compiler/Transforms/Passes.h.inc"
#pragma GCC diagnostic pop
} // namespace mlir::sieve

using namespace mlir;

namespace {

struct MarkEntryPointsPass
    : mlir::sieve::impl::MarkEntryPointsBase<MarkEntryPointsPass> {
  void runOnOperation() override {
    UnitAttr unit = UnitAttr::get(&getContext());
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), unit);
  }
};

} // namespace
