//===- sieve-opt.cpp - the sieve optimizer driver -------------------------===//
//
// mlir-opt with the sieve dialect, its passes and the compiler stages'
// pipelines registered next to every upstream dialect and pass.
//
//===----------------------------------------------------------------------===//

#include "compiler/Pipelines/Stages.h"
#include "dialects/Sieve/IR/SieveDialect.h"
#include "dialects/Sieve/Transforms/BufferizableOpInterfaceImpl.h"
#include "dialects/Sieve/Transforms/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::sieve::registerSievePasses();
  mlir::sieve::registerSievePipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::sieve::SieveDialect>();
  mlir::sieve::registerBufferizableOpInterfaceExternalModels(registry);

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "Sieve optimizer driver: the sieve dialect and its passes\n",
      registry));
}
