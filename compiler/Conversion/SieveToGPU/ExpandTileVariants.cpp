//===- ExpandTileVariants.cpp - one copy of an entry point per tiling -----===//
//
// Triton compiles a kernel once per autotuning config; a Sieve bundle
// holds every configuration's kernels side by side, as copies of the entry
// points that hold CVMMs, so the runtime can switch between them without a
// compiler. A configuration that would give every CVMM of an entry point
// the kernel an earlier one gives it (split-K without a weight gradient,
// tunables a warpgroup MMA kernel does not have) adds no copy: variants
// differ in their kernels.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/Passes.h"
#include "compiler/Conversion/SieveToGPU/Lowerings.h"
#include "compiler/Conversion/SieveToGPU/TiledGemm.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/StringSet.h"

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

SmallVector<Operation *> cvmmsIn(func::FuncOp func) {
  SmallVector<Operation *> cvmms;
  func.walk([&](Operation *op) {
    if (isa<CvmmOp, CvmmWeightGradOp>(op))
      cvmms.push_back(op);
  });
  return cvmms;
}

struct ExpandGpuTileVariantsPass
    : mlir::sieve::impl::ExpandGpuTileVariantsBase<ExpandGpuTileVariantsPass> {
  using ExpandGpuTileVariantsBase::ExpandGpuTileVariantsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<GemmTileConfig> configs;
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
      configs.push_back(*config);
    }
    if (configs.empty())
      return;

    SymbolTable symbols(module);
    SmallVector<std::pair<func::FuncOp, SmallVector<Operation *>>> entries;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        if (SmallVector<Operation *> cvmms = cvmmsIn(func); !cvmms.empty())
          entries.emplace_back(func, std::move(cvmms));
    Builder builder(&getContext());
    for (auto &[func, cvmms] : entries) {
      auto kernelsOf = [&](const GemmTileConfig &config) {
        std::string key;
        for (Operation *op : cvmms)
          key += kernelTilesKey(op, config, wgmma) + ";";
        return key;
      };
      func->setAttr(kGpuTilesAttrName, builder.getStringAttr(configs[0].str()));
      llvm::StringSet<> built;
      built.insert(kernelsOf(configs[0]));
      Operation *last = func;
      for (size_t i = 1; i < configs.size(); ++i) {
        if (!built.insert(kernelsOf(configs[i])).second)
          continue;
        // Named by the configuration's position, whatever was skipped.
        func::FuncOp copy = func.clone();
        copy.setName((func.getName() + "__tiles" + Twine(i)).str());
        copy->setAttr(kGpuTilesAttrName,
                      builder.getStringAttr(configs[i].str()));
        copy->setAttr(kVariantOfAttrName,
                      builder.getStringAttr(func.getName()));
        symbols.insert(copy, std::next(Block::iterator(last)));
        last = copy;
      }
    }
  }
};

} // namespace
