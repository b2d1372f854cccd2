//===- ModelBuilder.cpp - a model description's kernels as a sieve module -===//

#include "frontends/Builder/ModelBuilder.h"
#include "frontends/Builder/LayerBuilder.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::sieve;
namespace model = ::sieve::model;

namespace {
/// Whether training changes what the block computes (expert dropout,
/// regularisers, Sinkhorn balancing): then it gets a training kernel too.
bool trainingDiffers(const LayerConfig &config) {
  const auto *moe = std::get_if<MoeFfnConfig>(&config);
  return moe && (moe->expertDropout > 0 ||
                 moe->regularizer != model::Regularizer::None ||
                 moe->selection == model::ExpertSelection::Sinkhorn);
}
} // namespace

std::string mlir::sieve::ffnKernelPrefix(size_t index,
                                         const LayerConfig &config) {
  return "ffn" + std::to_string(index) + "_" + model::kindName(config);
}

OwningOpRef<ModuleOp>
mlir::sieve::buildModelModule(MLIRContext &context,
                              const model::ModelDescription &description) {
  context.loadDialect<SieveDialect, func::FuncDialect>();
  OpBuilder b(&context);
  Location fileLoc = FileLineColLoc::get(&context, description.file, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  (*module)->setAttr("sieve.model", b.getStringAttr(description.name));

  std::vector<model::DistinctFfn> blocks =
      model::distinctFfnBlocks(description);
  for (auto [index, block] : llvm::enumerate(blocks)) {
    const LayerConfig &config = block.block.config;
    Location loc = FileLineColLoc::get(&context, description.file,
                                       block.block.position.line,
                                       block.block.position.column);
    LayerBuilder layers(b, loc, b.getF32Type());
    std::string prefix = ffnKernelPrefix(index, config);
    SmallVector<bool> modes = {false};
    if (trainingDiffers(config))
      modes.push_back(true);
    for (bool train : modes) {
      std::string name = prefix + (train ? "_forward_train" : "_forward");
      FailureOr<func::FuncOp> func =
          layers.buildFunction(*module, name, config, train);
      if (failed(func))
        return nullptr;
      (*func)->setAttr("sieve.layers", b.getDenseI64ArrayAttr(block.layers));
      (*func)->setAttr("sieve.ffn", b.getStringAttr(model::summary(config)));
    }
  }
  if (failed(mlir::verify(*module)))
    return nullptr;
  return module;
}
