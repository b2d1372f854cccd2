//===- Input.cpp - read the driver's input file into a module -------------===//
//
// A `.yaml`/`.yml` input is a model description: it is read by the
// model-description frontend and built into the module of its kernels.
// Anything else is parsed as MLIR.
//
//===----------------------------------------------------------------------===//

#include "tools/sieve/Input.h"

#include "frontends/Builder/ModelBuilder.h"

#include "mlir/IR/Builders.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringSwitch.h"

#include <fmt/format.h>

using namespace mlir;

bool mlir::sieve::driver::isModelDescription(StringRef path) {
  return path.ends_with(".yaml") || path.ends_with(".yml");
}

static OwningOpRef<ModuleOp> readModelDescription(MLIRContext &context,
                                                  StringRef path,
                                                  FloatType elementType) {
  ::sieve::model::ReadResult result =
      ::sieve::model::readModelDescription(path.str());
  if (!result.description) {
    for (const ::sieve::model::Diagnostic &error : result.errors)
      fmt::print(stderr, "{}\n", error.str());
    return nullptr;
  }
  return mlir::sieve::buildModelModule(context, *result.description,
                                       elementType);
}

OwningOpRef<ModuleOp> mlir::sieve::driver::readInput(MLIRContext &context,
                                                     llvm::SourceMgr &sourceMgr,
                                                     StringRef path,
                                                     StringRef command,
                                                     StringRef tensorDtype) {
  Builder types(&context);
  FloatType elementType = llvm::StringSwitch<FloatType>(tensorDtype)
                              .Case("f32", types.getF32Type())
                              .Case("bf16", types.getBF16Type())
                              .Case("f16", types.getF16Type())
                              .Default(nullptr);
  if (!elementType) {
    fmt::print(stderr, "{}: error: unknown --tensor-dtype '{}' ({})\n",
               command.str(), tensorDtype.str(), kTensorDtypes);
    return nullptr;
  }
  if (tensorDtype != "f32" && !isModelDescription(path)) {
    fmt::print(stderr,
               "{}: error: --tensor-dtype {} applies to model descriptions; "
               "{} is MLIR and has its own types\n",
               command.str(), tensorDtype.str(), path.str());
    return nullptr;
  }
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> buffer = openInputFile(path, &error);
  if (!buffer) {
    fmt::print(stderr, "{}: error: {}\n", command.str(), error);
    return nullptr;
  }
  if (isModelDescription(path))
    return readModelDescription(context, path, elementType);
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}
