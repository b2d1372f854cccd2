//===- HostTarget.cpp - LLVM dialect to a shared library for this CPU -----===//

#include "compiler/Target/Host/HostTarget.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <memory>

using namespace mlir;
using namespace mlir::sieve;

HostTarget HostTarget::detect() {
  HostTarget target;
  target.triple = llvm::sys::getDefaultTargetTriple();
  target.cpu = llvm::sys::getHostCPUName().str();
  std::vector<std::string> features;
  for (const auto &feature : llvm::sys::getHostCPUFeatures())
    features.push_back((feature.second ? "+" : "-") + feature.first().str());
  std::sort(features.begin(), features.end());
  target.features = llvm::join(features, ",");
  return target;
}

std::optional<HostTarget> HostTarget::named(StringRef cpu, std::string &error) {
  llvm::InitializeNativeTarget();
  HostTarget target;
  target.triple = llvm::sys::getDefaultTargetTriple();
  target.cpu = cpu.str();
  llvm::Triple triple(target.triple);
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return std::nullopt;
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      llvmTarget->createMCSubtargetInfo(triple, "", ""));
  if (!info || !info->isCPUStringValid(cpu)) {
    error = "'" + cpu.str() + "' is not a CPU LLVM knows for " + target.triple +
            " (e.g. x86-64-v3, znver3, sapphirerapids)";
    return std::nullopt;
  }
  return target;
}

std::string HostTarget::describe() const {
  return triple + " cpu=" + cpu + " O" + std::to_string(optLevel) +
         " features=" + features;
}

void mlir::sieve::registerHostTranslations(DialectRegistry &registry) {
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
}

LogicalResult mlir::sieve::emitObjectFile(ModuleOp module,
                                          const HostTarget &target,
                                          StringRef objectPath) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();

  std::string error;
  llvm::Triple triple(target.triple);
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  // untested-diagnostic: the native target is linked in and initialised.
  if (!llvmTarget)
    return module.emitError()
           << "no LLVM target for '" << target.triple << "': " << error;
  std::unique_ptr<llvm::TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, target.cpu, target.features, llvm::TargetOptions(),
      llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  // untested-diagnostic: the host's own triple and CPU always make one.
  if (!machine)
    return module.emitError()
           << "cannot create an LLVM target machine for " << target.describe();

  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context);
  // untested-diagnostic: the llvm stage leaves only translatable dialects.
  if (!llvmModule)
    return module.emitError() << "translation to LLVM IR failed";
  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(triple);

  auto optimize = makeOptimizingTransformer(target.optLevel, /*sizeLevel=*/0,
                                            machine.get());
  // untested-diagnostic: the standard O3 pipeline does not fail on valid IR.
  if (llvm::Error err = optimize(llvmModule.get()))
    return module.emitError()
           << "LLVM optimisation failed: " << llvm::toString(std::move(err));

  std::error_code ec;
  llvm::raw_fd_ostream out(objectPath, ec, llvm::sys::fs::OF_None);
  // untested-diagnostic: the object goes into a staging directory the
  // compiler has just created.
  if (ec)
    return module.emitError()
           << "cannot write '" << objectPath << "': " << ec.message();
  llvm::legacy::PassManager codegen;
  // untested-diagnostic: x86-64 emits object files.
  if (machine->addPassesToEmitFile(codegen, out, nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
    return module.emitError() << "the target cannot emit object files";
  codegen.run(*llvmModule);
  out.flush();
  // untested-diagnostic: as above, a fresh staging directory.
  if (out.has_error())
    return module.emitError() << "writing '" << objectPath << "' failed";
  return success();
}

LogicalResult mlir::sieve::linkSharedLibrary(StringRef objectPath,
                                             StringRef libraryPath,
                                             std::string &error, bool openmp) {
  llvm::ErrorOr<std::string> driver = llvm::sys::findProgramByName("cc");
  if (!driver) {
    error = "no C compiler driver ('cc') on PATH to link the kernels";
    return failure();
  }
  SmallVector<StringRef> args = {*driver, "-shared", "-o", libraryPath,
                                 objectPath};
  if (openmp)
    args.push_back("-lomp");
  args.push_back("-lm");
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*driver, args, std::nullopt, {}, 0, 0,
                                         &message);
  if (status != 0) {
    error = "linking '" + libraryPath.str() + "' with " + *driver +
            " failed (exit " + std::to_string(status) + ")" +
            (message.empty() ? "" : ": " + message);
    return failure();
  }
  return success();
}
