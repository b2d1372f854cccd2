//===- ModelKernels.h - a model description's kernels, compiled and loaded ===//
//
// What `sieve train` and `sieve eval` do before running a model: build the
// module of the description's feed-forward kernels (ModelBuilder), compile
// it through the kernel cache (a hit when the model was compiled before)
// and load the bundle with the LLVM-free runtime.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_DRIVER_MODELKERNELS_H
#define SIEVE_COMPILER_DRIVER_MODELKERNELS_H

#include "frontends/ModelDescription/ModelDescription.h"
#include "runtime/Bundle/Bundle.h"

#include <memory>
#include <string>

namespace mlir::sieve {

/// Compiles `model`'s kernels into `bundleDirectory` (through the cache at
/// `cacheDirectory`, or the default one when empty) and loads them. Their
/// activations and weights are `tensorType` (f32, or bf16/f16 for mixed
/// precision), for `target` ("host", "sm_80", "sm_90a"; GPU CVMMs then run
/// on the tensor cores for 16-bit tensors, exactly for f32). Throws
/// ::sieve::runtime::Error with the compiler's diagnostics on failure.
std::shared_ptr<::sieve::runtime::Bundle> compileModelKernels(
    const ::sieve::model::ModelDescription &model,
    const std::string &bundleDirectory, const std::string &cacheDirectory = "",
    bool *cacheHit = nullptr,
    ::sieve::runtime::DType tensorType = ::sieve::runtime::DType::F32,
    const std::string &target = "host");

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_DRIVER_MODELKERNELS_H
