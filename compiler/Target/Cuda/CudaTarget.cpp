//===- CudaTarget.cpp - PTX kernels and their host side for NVIDIA GPUs ---===//

#include "compiler/Target/Cuda/CudaTarget.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir;
using namespace mlir::sieve;

std::string mlir::sieve::ptxFeaturesFor(StringRef chip) {
  return chip == "sm_90a" ? "+ptx83" : "+ptx80";
}

std::string CudaTarget::describe() const {
  return "nvptx64-nvidia-cuda chip=" + chip + " features=" + ptxFeatures +
         " O" + std::to_string(optLevel);
}

std::string mlir::sieve::cudaToolkitDirectory() {
  for (const char *variable : {"SIEVE_CUDA_TOOLKIT", "CUDA_HOME"})
    if (const char *value = std::getenv(variable); value && *value)
      return value;
  return SIEVE_DEFAULT_CUDA_TOOLKIT;
}

std::string mlir::sieve::libdevicePath() {
  SmallString<256> path(cudaToolkitDirectory());
  llvm::sys::path::append(path, "nvvm", "libdevice", "libdevice.10.bc");
  return path.str().str();
}

void mlir::sieve::registerCudaTranslations(DialectRegistry &registry) {
  registerGPUDialectTranslation(registry);
  // gpu.binary's default handler (#gpu.select_object) embeds the PTX.
  gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
  registerNVVMDialectTranslation(registry);
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
}

LogicalResult mlir::sieve::writePtxFiles(ModuleOp module, StringRef directory,
                                         std::vector<std::string> &files) {
  for (auto binary : module.getOps<gpu::BinaryOp>()) {
    for (Attribute attr : binary.getObjects()) {
      auto object = dyn_cast<gpu::ObjectAttr>(attr);
      // untested-diagnostic: the ptx stage serialises with format=isa.
      if (!object || object.getFormat() != gpu::CompilationTarget::Assembly)
        return binary.emitOpError() << "holds no PTX assembly";
      // A kernel calling a function the module does not define would load
      // nowhere: libdevice was not linked.
      StringRef ptx = object.getObject().getValue();
      size_t external = ptx.find(".extern .func");
      if (external != StringRef::npos)
        return binary.emitOpError()
               << "calls an undefined function ("
               << ptx.substr(external).take_until(
                      [](char c) { return c == '\n'; })
               << "); is libdevice at " << libdevicePath() << "?";
      std::string name = binary.getSymName().str() + ".ptx";
      SmallString<256> path(directory);
      llvm::sys::path::append(path, name);
      std::error_code ec;
      llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_Text);
      if (!ec)
        out << object.getObject().getValue();
      // untested-diagnostic: the staging directory was just created.
      if (ec || out.has_error())
        return module.emitError() << "cannot write " << path;
      files.push_back(name);
    }
  }
  return success();
}
