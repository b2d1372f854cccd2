//===- StagesCommand.cpp - `sieve stages` ---------------------------------===//
//
// Takes a module through every stage of the compiler and prints, after each,
// the stage's name, what it did, an op census and the IR.
//
//===----------------------------------------------------------------------===//

#include "compiler/Pipelines/Stages.h"
#include "tools/sieve/Commands.h"
#include "tools/sieve/Input.h"
#include "tools/sieve/OpCensus.h"

#include "dialects/Sieve/IR/SieveDialect.h"
#include "dialects/Sieve/Transforms/BufferizableOpInterfaceImpl.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

using namespace mlir::sieve::driver;
namespace cl = llvm::cl;

cl::SubCommand mlir::sieve::driver::stagesCommand(
    "stages", "Run a .mlir module through every compiler stage and print "
              "what each stage produced");

static cl::opt<std::string> inputFile(cl::Positional, cl::Required,
                                      cl::desc("<model.yaml | input.mlir>"),
                                      cl::sub(stagesCommand));
static cl::opt<std::string>
    stopAfter("stop-after", cl::desc("Stop after the stage of this name"),
              cl::value_desc("stage"), cl::init(""), cl::sub(stagesCommand));
static cl::opt<std::string>
    stagesTarget("target",
                 cl::desc("Target whose stages to run: host, sm_80 or sm_90a"),
                 cl::init("host"), cl::sub(stagesCommand));
static cl::opt<bool> censusOnly("census-only",
                                cl::desc("Print each stage's op counts only"),
                                cl::init(false), cl::sub(stagesCommand));

int mlir::sieve::driver::runStagesCommand() {
  if (!mlir::sieve::isKnownTarget(stagesTarget)) {
    fmt::print(stderr,
               "sieve stages: error: unknown target '{}' (targets: {})\n",
               stagesTarget.getValue(),
               llvm::join(mlir::sieve::getTargetNames(), ", "));
    return 1;
  }
  if (!stopAfter.empty() &&
      !mlir::sieve::lookupStage(stopAfter, stagesTarget)) {
    std::string names;
    for (const mlir::sieve::Stage &stage : mlir::sieve::getStages(stagesTarget))
      names += (names.empty() ? "" : ", ") + stage.name;
    fmt::print(stderr, "sieve stages: error: unknown stage '{}' (stages: {})\n",
               stopAfter.getValue(), names);
    return 1;
  }

  mlir::DialectRegistry registry;
  mlir::sieve::registerSieveDialects(registry);
  mlir::MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      readInput(context, sourceMgr, inputFile, "sieve stages");
  if (!module)
    return 1; // The reader, parser or verifier has said where and why.

  size_t stageCount = mlir::sieve::getStages(stagesTarget).size();
  auto printStage = [&](const mlir::sieve::Stage &stage, unsigned index,
                        mlir::ModuleOp stageModule) {
    fmt::print("// ===== stage {}/{}: {} =====\n// {}\n", index, stageCount - 1,
               stage.name, stage.summary);
    fmt::print("// ops:\n{}", OpCensus::of(stageModule).format("//"));
    if (!censusOnly) {
      std::string ir;
      llvm::raw_string_ostream os(ir);
      stageModule.print(os);
      fmt::print("{}\n", ir);
    }
    std::fflush(stdout);
  };
  if (failed(
          mlir::sieve::runStages(*module, stopAfter, printStage, stagesTarget)))
    return 1;
  return 0;
}
