//===- Passes.td - conversions out of the sieve dialect -------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_PASSES_TD
#define SIEVE_COMPILER_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertSieveToSCF : Pass<"sieve-convert-to-scf"> {
  let summary = "Lower sieve primitives on buffers to scf, memref, arith and math";
  let description = [{
    Replaces every sieve primitive with buffer semantics (after one-shot
    bufferization) by loops over its memrefs that compute exactly the
    semantics of the op's description: the reference lowering of the host
    target. Loops whose iterations are independent are `scf.parallel`
    (tokens for routing, top-K and gather-sum; output columns for CVMM;
    (expert, row) for the CVMM weight gradient), so that
    `convert-scf-to-openmp` spreads them over the cores. Arithmetic on f16
    and bf16 operands is done in f32. `memref.copy` becomes parallel loops
    too, so that no copy calls MLIR's C runner library, which bundles do not
    link.

    Primitives still on tensors are left alone; the pass fails if one
    remains, naming it.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect"
  ];
}

#endif // SIEVE_COMPILER_CONVERSION_PASSES_TD
