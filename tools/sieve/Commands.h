//===- Commands.h - the subcommands of the sieve driver -------------------===//

#ifndef SIEVE_TOOLS_SIEVE_COMMANDS_H
#define SIEVE_TOOLS_SIEVE_COMMANDS_H

#include "llvm/Support/CommandLine.h"

namespace mlir::sieve::driver {

/// `sieve stages FILE.mlir`: the module through every compiler stage.
extern llvm::cl::SubCommand stagesCommand;
int runStagesCommand();

/// `sieve compile FILE.mlir -o DIR`: a kernel bundle, through the cache.
extern llvm::cl::SubCommand compileCommand;
int runCompileCommand();

/// `sieve train MODEL.yaml`: train the model on its corpus.
extern llvm::cl::SubCommand trainCommand;
int runTrainCommand();

/// `sieve eval MODEL.yaml`: bits per character / perplexity of a trained
/// model on the validation and test splits.
extern llvm::cl::SubCommand evalCommand;
int runEvalCommand();

/// `sieve params MODEL.yaml`: parameters by component.
extern llvm::cl::SubCommand paramsCommand;
int runParamsCommand();

/// `sieve analyze MODEL.yaml`: expert usage, co-occurrence, dead experts,
/// active channels and training curves of a trained model (CSV and PNG).
extern llvm::cl::SubCommand analyzeCommand;
int runAnalyzeCommand();

/// `sieve tokenize MODEL.yaml`: train the tokenizer, encode the corpus.
extern llvm::cl::SubCommand tokenizeCommand;
int runTokenizeCommand();

/// `sieve mowe-vocab`: build a MoWE routing vocabulary.
extern llvm::cl::SubCommand moweVocabCommand;
int runMoweVocabCommand();

/// `sieve tune MODEL.yaml`: time every tile variant of the model's GPU
/// kernels, record the fastest in the tuning database.
extern llvm::cl::SubCommand tuneCommand;
int runTuneCommand();

/// `sieve devices`: the host CPU and the GPU, or why there is none.
extern llvm::cl::SubCommand devicesCommand;
int runDevicesCommand();

} // namespace mlir::sieve::driver

#endif // SIEVE_TOOLS_SIEVE_COMMANDS_H
