//===- ModelBuilder.h - a model description's kernels as a sieve module ---===//
//
// The compiler's view of a model description: the feed-forward blocks are
// what Sieve compiles (attention and projections run on vendor BLAS), so the
// module holds, for each distinct block configuration, its kernels:
//
//   @ffn<i>_<kind>_forward        inference (no expert dropout)
//   @ffn<i>_<kind>_forward_train  training: also returns the values the
//                                 backward pass needs
//   @ffn<i>_<kind>_backward       derived by sieve-generate-backward
//
// Each function carries `sieve.layers` (the layers using it) and `sieve.ffn`
// (the block's summary); ops are located at the block in the YAML file, so
// a verifier error names the file, line and column.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_FRONTENDS_BUILDER_MODELBUILDER_H
#define SIEVE_FRONTENDS_BUILDER_MODELBUILDER_H

#include "frontends/ModelDescription/ModelDescription.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir::sieve {

/// Builds and verifies the module of `model`'s kernels with activations and
/// weights of `elementType` (f32 when null; bf16 or f16 for kernels that
/// take 16-bit tensors, as mixed-precision training and the GPU benchmarks
/// do). Returns null, having reported a located diagnostic, when a block is
/// invalid.
OwningOpRef<ModuleOp>
buildModelModule(MLIRContext &context,
                 const ::sieve::model::ModelDescription &model,
                 FloatType elementType = nullptr);

/// The prefix of the kernels of the `index`-th distinct block.
std::string ffnKernelPrefix(size_t index,
                            const ::sieve::model::LayerConfig &config);

} // namespace mlir::sieve

#endif // SIEVE_FRONTENDS_BUILDER_MODELBUILDER_H
