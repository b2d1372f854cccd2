//===- CudaTarget.h - PTX kernels and their host side for NVIDIA GPUs -----===//
//
// The GPU targets (sm_80, sm_90a): after the "ptx" stage the module holds
// one gpu.binary of PTX per kernel module and host functions that launch
// them through the GPU runtime ABI (mgpuModuleLoadJIT, mgpuLaunchKernel,
// ...) and allocate through _mlir_memref_to_llvm_alloc. The host side is
// emitted like the host target's code; the PTX is also written out, one
// file per kernel module, for ptxas and for people.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_TARGET_CUDA_CUDATARGET_H
#define SIEVE_COMPILER_TARGET_CUDA_CUDATARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <string>
#include <vector>

namespace mlir::sieve {

/// The PTX ISA a chip's kernels are generated as: 8.3 for sm_90a (its TMA
/// kernels acquire their tensor maps with fence.proxy.tensormap), 8.0
/// otherwise.
std::string ptxFeaturesFor(StringRef chip);

/// The PTX the kernels are generated as, and the chip they target.
struct CudaTarget {
  std::string chip;
  std::string ptxFeatures = ptxFeaturesFor(chip);
  unsigned optLevel = 3;
  std::string describe() const;
};

/// The CUDA toolkit whose libdevice the kernels link (math functions):
/// $SIEVE_CUDA_TOOLKIT, else $CUDA_HOME, else the toolkit CMake found when
/// Sieve was built.
std::string cudaToolkitDirectory();
/// Its libdevice bitcode file.
std::string libdevicePath();

/// Registers the translations and target models the GPU stages need (the
/// GPU and NVVM dialects to LLVM IR, NVVM serialisation to PTX).
void registerCudaTranslations(DialectRegistry &registry);

/// Writes the PTX of every gpu.binary in `module` to `<directory>/<name>.ptx`
/// and appends the file names to `files`. Errors are emitted on the module.
LogicalResult writePtxFiles(ModuleOp module, StringRef directory,
                            std::vector<std::string> &files);

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_TARGET_CUDA_CUDATARGET_H
