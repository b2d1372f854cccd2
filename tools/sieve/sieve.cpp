//===- sieve.cpp - the sieve driver ---------------------------------------===//
//
// The user-facing compiler driver, in the manner of Triton's and MLIR's
// tools: one subcommand per job.
//
//===----------------------------------------------------------------------===//

#include "tools/sieve/Commands.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/InitLLVM.h"

#include <fmt/format.h>

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "sieve: compiler for routed sparse feed-forward networks\n\n"
      "  sieve stages FILE.mlir           run a module through every compiler "
      "stage\n"
      "  sieve compile FILE.mlir -o DIR   compile it into a kernel bundle\n");

  if (mlir::sieve::driver::stagesCommand)
    return mlir::sieve::driver::runStagesCommand();
  if (mlir::sieve::driver::compileCommand)
    return mlir::sieve::driver::runCompileCommand();

  fmt::print(stderr, "sieve: error: no subcommand given; see `sieve --help`\n");
  return 1;
}
