//===- ModelBuilder.cpp - a model description's kernels as a sieve module -===//

#include "frontends/Builder/ModelBuilder.h"
#include "frontends/Builder/LayerBuilder.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::sieve;
namespace model = ::sieve::model;

std::string mlir::sieve::ffnKernelPrefix(size_t index,
                                         const LayerConfig &config) {
  return "ffn" + std::to_string(index) + "_" + model::kindName(config);
}

OwningOpRef<ModuleOp>
mlir::sieve::buildModelModule(MLIRContext &context,
                              const model::ModelDescription &description,
                              FloatType elementType) {
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
    LayerBuilder layers(b, loc, elementType ? elementType : b.getF32Type());
    std::string prefix = ffnKernelPrefix(index, config);
    for (bool train : {false, true}) {
      std::string name = prefix + (train ? "_forward_train" : "_forward");
      FailureOr<func::FuncOp> func =
          layers.buildFunction(*module, name, config, train);
      if (failed(func))
        return nullptr;
      (*func)->setAttr("sieve.layers", b.getDenseI64ArrayAttr(block.layers));
      (*func)->setAttr("sieve.ffn", b.getStringAttr(model::summary(config)));
      // sieve-generate-backward derives the backward kernel from it.
      if (train)
        (*func)->setAttr("sieve.backward",
                         b.getStringAttr(prefix + "_backward"));
    }
  }
  if (failed(mlir::verify(*module)))
    return nullptr;
  return module;
}
