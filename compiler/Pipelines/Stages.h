//===- Stages.h - the compiler's named stages -----------------------------===//
//
// As in Triton's backend (ttir -> ttgir -> llir -> ptx), compilation is a
// sequence of named stages, each a pass pipeline whose output can be printed
// and checked on its own. Every stage's pipeline is textual, so
// `sieve-opt --pass-pipeline='builtin.module(<pipeline>)'` reproduces it, as
// does `sieve-opt --sieve-<stage>-pipeline`.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_PIPELINES_STAGES_H
#define SIEVE_COMPILER_PIPELINES_STAGES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <string>

namespace mlir::sieve {

/// The CVMM tile configurations of a GPU bundle unless told otherwise: the
/// synchronous 2 x 2-warp tiles (the default variant), a two-stage cp.async
/// pipeline with a longer k-tile, and 4 x 2 warps with three stages and the
/// weight gradient split four ways.
constexpr const char *kDefaultGpuTiles = "2x2x16x1x1,2x2x32x2x1,4x2x16x3x4";

struct Stage {
  /// Short name ("layers", "primitives", ...), used by --stop-after.
  std::string name;
  /// What the IR holds after this stage.
  std::string summary;
  /// The stage's passes as a textual pass list run on the module; empty for
  /// the input stage (parse + verify).
  std::string pipeline;
};

/// The targets `sieve compile --target` accepts: "host" (this CPU) and the
/// NVIDIA GPU architectures with generated PTX.
ArrayRef<StringRef> getTargetNames();
/// Whether `target` is one of getTargetNames().
bool isKnownTarget(StringRef target);
/// Whether `target` names a GPU architecture ("sm_80", "sm_90a").
bool isGpuTarget(StringRef target);

/// The stages of `target`, in order. The host's: layers, primitives,
/// buffers, loops, llvm (emitting the object and the bundle follows). A
/// GPU's: the same first three, then loops (no host GEMM tiling), kernels
/// (gpu.launch per loop nest, outlined), llvm (NVVM for the device, LLVM for
/// the host side) and ptx (each kernel module serialised to PTX by LLVM's
/// NVPTX back end). An unknown target has no stages.
/// `gpuPrecision` is how GPU targets compute CVMM: "f32" (exact FMAs),
/// "tf32", "f16" or "bf16" (tensor cores); `gpuTiles` the comma-separated
/// tile configurations a GPU bundle holds a variant of each CVMM entry
/// point for (MxNxKxSxP, the default first; see
/// sieve-expand-gpu-tile-variants); `gpuDispatch` how the routed pairs are
/// sorted: "generated" (a chunked counting sort in the bundle's kernels) or
/// "cub" (the CUDA runtime's CUB support kernels,
/// sieve-convert-dispatch-to-runtime). The host ignores all three.
ArrayRef<Stage> getStages(StringRef target = "host",
                          StringRef gpuPrecision = "f32",
                          StringRef gpuTiles = kDefaultGpuTiles,
                          StringRef gpuDispatch = "generated");
/// The ways GPU targets sort the routed pairs.
ArrayRef<StringRef> getGpuDispatches();
/// The precisions GPU targets accept.
ArrayRef<StringRef> getGpuPrecisions();

/// The stage of `target` called `name`, or null.
const Stage *lookupStage(StringRef name, StringRef target = "host",
                         StringRef gpuPrecision = "f32",
                         StringRef gpuTiles = kDefaultGpuTiles,
                         StringRef gpuDispatch = "generated");

/// Registers in `registry` every dialect, interface model and translation
/// the stages need: the sieve dialect with its bufferization models, the
/// upstream dialects and extensions, and the LLVM IR translations.
void registerSieveDialects(DialectRegistry &registry);

/// Registers every pass the stages name (Sieve's and the upstream ones) and
/// the host stages' pipelines (`--sieve-primitives-pipeline`, ...) and the
/// GPU-only ones for sm_80 (`--sieve-gpu-kernels-pipeline`, ...), so that
/// the textual pipelines parse. Safe to call more than once.
void registerSievePipelines();

/// Runs every stage (up to and including `lastStage`, all when empty) on
/// `module`, calling `onStage` after each. Fails at the first stage whose
/// pipeline fails; diagnostics go to the context's handler.
LogicalResult
runStages(ModuleOp module, StringRef lastStage,
          function_ref<void(const Stage &, unsigned index, ModuleOp)> onStage,
          StringRef target = "host", StringRef gpuPrecision = "f32",
          StringRef gpuTiles = kDefaultGpuTiles,
          StringRef gpuDispatch = "generated");

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_PIPELINES_STAGES_H
