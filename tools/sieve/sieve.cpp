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
      "  sieve stages FILE                run a model or module through every "
      "compiler stage\n"
      "  sieve compile FILE -o DIR        compile it into a kernel bundle\n"
      "  sieve tokenize MODEL.yaml        train its tokenizer, encode its "
      "corpus\n"
      "  sieve train MODEL.yaml           train the model on its corpus\n"
      "  sieve eval MODEL.yaml            evaluate a trained model\n"
      "  sieve params MODEL.yaml          its parameters by component\n"
      "  sieve analyze MODEL.yaml         expert usage, active channels and "
      "training curves of a trained model\n"
      "  sieve mowe-vocab [MODEL.yaml]    build a MoWE routing vocabulary\n"
      "  sieve tune FILE                  time its GPU kernels' tile variants, "
      "record the fastest\n"
      "  sieve devices                    where kernels can run (host, GPU)\n");

  if (mlir::sieve::driver::stagesCommand)
    return mlir::sieve::driver::runStagesCommand();
  if (mlir::sieve::driver::compileCommand)
    return mlir::sieve::driver::runCompileCommand();
  if (mlir::sieve::driver::trainCommand)
    return mlir::sieve::driver::runTrainCommand();
  if (mlir::sieve::driver::evalCommand)
    return mlir::sieve::driver::runEvalCommand();
  if (mlir::sieve::driver::paramsCommand)
    return mlir::sieve::driver::runParamsCommand();
  if (mlir::sieve::driver::tokenizeCommand)
    return mlir::sieve::driver::runTokenizeCommand();
  if (mlir::sieve::driver::analyzeCommand)
    return mlir::sieve::driver::runAnalyzeCommand();
  if (mlir::sieve::driver::moweVocabCommand)
    return mlir::sieve::driver::runMoweVocabCommand();
  if (mlir::sieve::driver::tuneCommand)
    return mlir::sieve::driver::runTuneCommand();
  if (mlir::sieve::driver::devicesCommand)
    return mlir::sieve::driver::runDevicesCommand();

  fmt::print(stderr, "sieve: error: no subcommand given; see `sieve --help`\n");
  return 1;
}
