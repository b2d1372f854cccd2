//===- Input.cpp - read the driver's input file into a module -------------===//

#include "tools/sieve/Input.h"

#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"

#include <fmt/format.h>

using namespace mlir;

OwningOpRef<ModuleOp> sieve::driver::readInput(MLIRContext &context,
                                               llvm::SourceMgr &sourceMgr,
                                               StringRef path,
                                               StringRef command) {
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> buffer = openInputFile(path, &error);
  if (!buffer) {
    fmt::print(stderr, "{}: error: {}\n", command.str(), error);
    return nullptr;
  }
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}
