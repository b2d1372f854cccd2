//===- SieveBase.td - the sieve dialect and its shared constraints --------===//
//
// The `sieve` dialect expresses the layers that approximate a Transformer's
// two-layer MLP (Csordás et al. 2023, "Approximating Two-Layer Feedforward
// Networks for Efficient Transformers"; dos Santos et al. 2023, "Memory
// Augmented Language Models through Mixture of Word Experts") and the routed
// primitives they decompose into.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_BASE_TD
#define SIEVE_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Sieve_Dialect : Dialect {
  let name = "sieve";
  let cppNamespace = "::mlir::sieve";
  let summary = "Routed sparse feed-forward layers and their primitives";
  let description = [{
    The `sieve` dialect has two levels.

    *Layer ops* (`sieve.dense_ffn`, `sieve.topk_ffn`, `sieve.pkm_ffn`,
    `sieve.moe_ffn`, `sieve.mowe_ffn`) each stand for one feed-forward block
    of a Transformer, with the paper's hyperparameters as attributes and the
    trainable weights as operands. Front ends emit them; `sieve-decompose`
    lowers them.

    *Primitives* (`sieve.cvmm`, `sieve.cvmm_weight_grad`, `sieve.topk`,
    `sieve.select_experts`, `sieve.sinkhorn`, `sieve.dispatch`,
    `sieve.entropy_reg`, `sieve.switch_reg`, `sieve.product_key_topk`,
    `sieve.gather_sum`, `sieve.word_route`, `sieve.bernoulli_mask`) are the
    routed computations the layers are made of; everything else in a layer is
    expressed with upstream dialects (`linalg`, `tensor`, `arith`, `math`).

    Conventions shared by every op:
    - Activations are rank-2 tensors `tokens x features`: batch and time are
      flattened into one token dimension, which may be dynamic.
    - Weights use the row-vector convention `y = x W` of CVMM (σ-MoE paper,
      Eq. 26). The paper's `W1 in R^{d_ff x d_model}` (Eq. 1) is therefore
      stored as `d_model x d_ff`: column `i` is the key `k_i` of Eq. 3; its
      `W2 in R^{d_model x d_ff}` (Eq. 2) is stored as `d_ff x d_model`: row
      `i` is the value `v_i` of Eq. 4. Expert weights are stacked along a
      leading expert dimension.
    - Floating-point operands share one element type (f32, f16 or bf16);
      indices are i32; masks are i1; auxiliary losses are `tensor<f32>`.
    - Biases are omitted, as in the paper's equations.
  }];
  let useDefaultAttributePrinterParser = 1;
  // Primitives reify their result shapes with arith and tensor ops.
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

class Sieve_Op<string mnemonic, list<Trait> traits = []>
    : Op<Sieve_Dialect, mnemonic, traits>;

class Sieve_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Sieve_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

// Element-type classes. Ranks and shapes are checked by each op's verifier so
// that its message can name the dimension that is wrong. Layer ops take
// tensors; primitives are in destination-passing style and take tensors
// (value semantics) or memrefs (buffer semantics, after bufferization).
def Sieve_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
def Sieve_IndexTensor : RankedTensorOf<[I32]>;
def Sieve_LossTensor : 0DTensorOf<[F32]>;

def Sieve_Float : AnyTypeOf<[RankedTensorOf<[F32, F16, BF16]>,
                             MemRefOf<[F32, F16, BF16]>],
                            "ranked tensor or memref of f32, f16 or bf16">;
def Sieve_Index : AnyTypeOf<[RankedTensorOf<[I32]>, MemRefOf<[I32]>],
                            "ranked tensor or memref of i32">;
def Sieve_Mask : AnyTypeOf<[RankedTensorOf<[I1]>, MemRefOf<[I1]>],
                           "ranked tensor or memref of i1">;
def Sieve_Loss : AnyTypeOf<[0DTensorOf<[F32]>, MemRefRankOf<[F32], [0]>],
                           "0-d tensor or memref of f32">;

#endif // SIEVE_BASE_TD
