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

def SieveGenerateBackward
    : Pass<"sieve-generate-backward", "::mlir::ModuleOp"> {
  let summary = "Derive backward functions by reverse-mode differentiation";
  let description = [{
    For every `func.func` with a `sieve.backward = "<name>"` attribute (a
    training forward function on tensors, after `sieve-decompose`), derives
    the backward function `<name>` from the adjoints its ops know
    (`AdjointOpInterface`: the sieve primitives, linalg.matmul, elementwise
    linalg.generic, linalg.softmax, tensor slices and reshapes), so that no
    layer's backward pass is written by hand.

    The backward function takes the forward function's tensor arguments,
    the intermediates it needs (`saved<i>`), and one gradient per
    floating-point result of the forward function (`d<result name>`), and
    returns the gradient of every floating-point tensor argument
    (`d<argument name>`), zeros where none flows. The forward function
    additionally returns the saved intermediates, so the backward pass
    recomputes nothing but cheap values (constants, sizes, empty and filled
    tensors, reshapes); saved values with a token-dependent size carry
    `sieve.tokens_multiple`.

    Routing decisions (top-K indices, dispatch, dropout masks, Sinkhorn
    ranking) carry no gradient: derivatives flow through the gates, the
    selected scores and the regularisers. The pass fails, naming the op, on
    an op without an adjoint through which a gradient would flow.

    Example: `sieve-opt --sieve-decompose --sieve-generate-backward`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect", "::mlir::func::FuncDialect"
  ];
}

def SieveWidenAccumulators : Pass<"sieve-widen-accumulators"> {
  let summary = "Sum 16-bit float reductions in f32, rounding once";
  let description = [{
    Mixed precision keeps tensors in bf16 or f16 but must not add long sums
    in them: over n terms a 16-bit accumulator loses about log2(n) of its
    8 (bf16) or 11 (f16) significant bits. Every `linalg.matmul` and every
    `linalg.generic` with a reduction iterator whose output is bf16 or f16
    (on tensors) is rebuilt with an f32 output (its init widened: a fill
    becomes an f32 fill of the same constant), computing in f32, and its
    result is rounded to the 16-bit type once, by an elementwise
    `arith.truncf`. A generic is widened only when its body holds float
    arithmetic, comparisons, selects, constants and the `math` functions
    whose result type follows their operands'; others are left alone.

    The sieve primitives already widen (their loops load 16-bit elements
    as f32); this covers the dense products of the layers and of their
    derived backward functions: projections, routers, weight gradients,
    softmax backward sums. Run after `sieve-generate-backward` and
    `sieve-decompose-aggregated-ops`, before bufferization.

    Example: `sieve-opt --sieve-widen-accumulators`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // SIEVE_TRANSFORMS_PASSES_TD
