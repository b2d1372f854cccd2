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
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      for (NamedAttribute attr : llvm::to_vector(func->getDiscardableAttrs()))
        if (attr.getName().strref().starts_with("sieve."))
          func->removeDiscardableAttr(attr.getName());
      if (func.isPublic() && !func.isExternal())
        func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), unit);
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        func.setArgAttrs(i, withoutSignatureAttrs(func.getArgAttrDict(i)));
      for (unsigned i = 0; i < func.getNumResults(); ++i)
        func.setResultAttrs(i,
                            withoutSignatureAttrs(func.getResultAttrDict(i)));
    }
  }

  /// `attrs` without the `sieve.` ones: they described the signature for the
  /// manifest, and the LLVM translation would warn about them.
  static SmallVector<NamedAttribute>
  withoutSignatureAttrs(DictionaryAttr attrs) {
    SmallVector<NamedAttribute> kept;
    for (NamedAttribute attr :
         attrs ? attrs.getValue() : ArrayRef<NamedAttribute>())
      if (!attr.getName().strref().starts_with("sieve."))
        kept.push_back(attr);
    return kept;
  }
};

} // namespace
