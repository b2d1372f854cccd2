//===- Passes.td - passes of the sieve dialect ----------------------------===//

#ifndef SIEVE_TRANSFORMS_PASSES_TD
#define SIEVE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SieveDecompose : Pass<"sieve-decompose"> {
  let summary = "Lower sieve layer ops to sieve primitives and upstream dialects";
  let description = [{
    Rewrites every feed-forward layer op into the routed primitives of the
    `sieve` dialect plus `linalg`, `tensor`, `arith` and `math` ops:

    - `sieve.dense_ffn`: two `linalg.matmul` around a ReLU (Eq. 1-2).
    - `sieve.topk_ffn`: matmul, ReLU, `sieve.topk`, and `sieve.gather_sum`
      of the selected value rows (Eq. 6-7).
    - `sieve.pkm_ffn`: per-half sub-key matmuls, `sieve.product_key_topk`
      (Eq. 8), ReLU or softmax, `sieve.gather_sum` over the shared values.
    - `sieve.moe_ffn`: selection matmul, sigmoid or softmax, optional
      `sieve.sinkhorn` (S-BASE, training) and `sieve.bernoulli_mask`
      (expert dropout, training), `sieve.select_experts`, `sieve.dispatch`,
      a gathering `sieve.cvmm`, ReLU, a combining `sieve.cvmm` scaled by the
      gates (Eq. 11), and `sieve.entropy_reg` or `sieve.switch_reg`.
    - `sieve.mowe_ffn`: `sieve.word_route`, then per frequency bucket
      `sieve.dispatch`, two `sieve.cvmm` around a ReLU, summed over buckets.

    The pass fails, naming the op, if a selected layer op is left behind.

    Example: `sieve-opt --sieve-decompose="layers=moe_ffn,pkm_ffn"`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect"
  ];
  let options = [
    ListOption<"layers", "layers", "std::string",
      "Layer ops to decompose, by mnemonic (dense_ffn, topk_ffn, pkm_ffn, "
      "moe_ffn, mowe_ffn); every layer op when empty">
  ];
}

#endif // SIEVE_TRANSFORMS_PASSES_TD
