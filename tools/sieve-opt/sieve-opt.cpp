//===- sieve-opt.cpp - the sieve optimizer driver -------------------------===//
//
// mlir-opt with the sieve dialect, its passes and the compiler stages'
// pipelines registered next to every upstream dialect and pass.
//
//===----------------------------------------------------------------------===//

#include "compiler/Pipelines/Stages.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  // Every upstream and Sieve pass, and the compiler stages' pipelines.
  mlir::sieve::registerSievePipelines();

  mlir::DialectRegistry registry;
  mlir::sieve::registerSieveDialects(registry);

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "Sieve optimizer driver: the sieve dialect and its passes\n",
      registry));
}
