//===- ExpandTileVariants.cpp - one copy of an entry point per tiling -----===//
//
// Triton compiles a kernel once per autotuning config; a Sieve bundle
// holds every configuration's kernels side by side, as copies of the entry
// points that hold CVMMs, so the runtime can switch between them without a
// compiler.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/Passes.h"
#include "compiler/Conversion/SieveToGPU/TiledGemm.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::sieve {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter" // generated code
#define GEN_PASS_DEF_EXPANDGPUTILEVARIANTS
#include "compiler/Conversion/Passes.h.inc"
#pragma GCC diagnostic pop
} // namespace mlir::sieve

using namespace mlir;
using namespace mlir::sieve;

namespace {

bool holdsCvmm(func::FuncOp func) {
  return func
      .walk([](Operation *op) {
        return isa<CvmmOp, CvmmWeightGradOp>(op) ? WalkResult::interrupt()
                                                 : WalkResult::advance();
      })
      .wasInterrupted();
}

struct ExpandGpuTileVariantsPass
    : mlir::sieve::impl::ExpandGpuTileVariantsBase<ExpandGpuTileVariantsPass> {
  using ExpandGpuTileVariantsBase::ExpandGpuTileVariantsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<std::string> configs;
    for (const std::string &text : tiles) {
      std::optional<GemmTileConfig> config = GemmTileConfig::parse(text);
      std::string invalid =
          config ? config->invalidReason()
                 : "expected MxNxKxSxP (warps along rows and columns, k-tile, "
                   "stages, split-k), e.g. 2x2x16x1x1";
      if (!invalid.empty()) {
        module.emitError() << "GPU tile variant '" << text
                           << "' is invalid: " << invalid;
        return signalPassFailure();
      }
      configs.push_back(config->str());
    }
    if (configs.empty())
      return;

    SymbolTable symbols(module);
    SmallVector<func::FuncOp> entries;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal() && holdsCvmm(func))
        entries.push_back(func);
    Builder builder(&getContext());
    for (func::FuncOp func : entries) {
      func->setAttr(kGpuTilesAttrName, builder.getStringAttr(configs[0]));
      Operation *last = func;
      for (size_t i = 1; i < configs.size(); ++i) {
        func::FuncOp copy = func.clone();
        copy.setName((func.getName() + "__tiles" + Twine(i)).str());
        copy->setAttr(kGpuTilesAttrName, builder.getStringAttr(configs[i]));
        copy->setAttr(kVariantOfAttrName,
                      builder.getStringAttr(func.getName()));
        symbols.insert(copy, std::next(Block::iterator(last)));
        last = copy;
      }
    }
  }
};

} // namespace
