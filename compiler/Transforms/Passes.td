//===- Passes.td - compiler passes around the sieve stages ----------------===//

#ifndef SIEVE_COMPILER_TRANSFORMS_PASSES_TD
#define SIEVE_COMPILER_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def DecomposeAggregatedOps : Pass<"sieve-decompose-aggregated-ops"> {
  let summary = "Decompose aggregated linalg ops (linalg.softmax) into generics";
  let description = [{
    linalg.softmax has no direct lowering to loops; its own decomposition
    (AggregatedOpInterface) turns it into reductions and elementwise
    linalg.generic ops, which bufferize and lower like the rest. Run on
    tensors, before bufferization.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

def MarkEntryPoints : Pass<"sieve-mark-entry-points", "::mlir::ModuleOp"> {
  let summary = "Give every public function a C interface for the runtime";
  let description = [{
    Adds `llvm.emit_c_interface` to every public func.func, so that the LLVM
    lowering emits `_mlir_ciface_<name>`, which takes each memref as a
    pointer to its descriptor: the ABI the runtime calls bundles with.
    Private functions (outlined helpers) are left alone. The `sieve.*`
    argument and result attributes (`sieve.name`, `sieve.tokens_multiple`),
    which described the signature for the manifest, and the functions' own
    (`sieve.gpu_tiles`, `sieve.variant_of`, consumed by the GPU lowering) are
    dropped: LLVM has no meaning for them.
  }];
}

#endif // SIEVE_COMPILER_TRANSFORMS_PASSES_TD
