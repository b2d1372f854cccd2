//===- SieveLayerOps.td - feed-forward layer ops --------------------------===//
//
// One op per kind of feed-forward block. Equation numbers refer to the σ-MoE
// paper (Csordás et al. 2023) unless they say "MoWE".
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_LAYER_OPS_TD
#define SIEVE_LAYER_OPS_TD

include "dialects/Sieve/IR/SieveAttrs.td"
include "dialects/Sieve/IR/SieveInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Sieve_LayerOp<string mnemonic, list<Trait> traits = []>
    : Sieve_Op<mnemonic, !listconcat(traits, [Pure,
        DeclareOpInterfaceMethods<Sieve_LayerOpInterface, ["getWeights"]>])> {
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// dense_ffn
//===----------------------------------------------------------------------===//

def Sieve_DenseFfnOp : Sieve_LayerOp<"dense_ffn"> {
  let summary = "the dense two-layer MLP y = W2 ReLU(W1 x) (Eq. 1-2)";
  let description = [{
    The Transformer's feed-forward block and the baseline every other layer
    approximates: `u = ReLU(W1 x)` (Eq. 1), `y = W2 u` (Eq. 2). In Sieve's
    row-vector layout `w1` is `d_model x d_ff` (column i is key k_i, Eq. 3)
    and `w2` is `d_ff x d_model` (row i is value v_i, Eq. 4).

    Example:
    ```mlir
    %y = sieve.dense_ffn %x, %w1, %w2
        : (tensor<?x512xf32>, tensor<512x2053xf32>, tensor<2053x512xf32>)
        -> tensor<?x512xf32>
    ```
  }];
  let arguments = (ins Sieve_FloatTensor:$x, Sieve_FloatTensor:$w1,
                       Sieve_FloatTensor:$w2);
  let results = (outs Sieve_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $w1 `,` $w2 attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// topk_ffn
//===----------------------------------------------------------------------===//

def Sieve_TopKFfnOp : Sieve_LayerOp<"topk_ffn"> {
  let summary = "the MLP with the top-K activation function (Eq. 6-7)";
  let description = [{
    Computes `u = ReLU(W1 x)` in full, keeps its `k` largest entries
    `E_x = argtopk(u, K)` (Eq. 6) and sums only their values:
    `y = sum_{i in E_x} u[i] v_i` (Eq. 7). Ties keep the lower index.
    Weights as in `sieve.dense_ffn`; `k` must not exceed d_ff.

    Example:
    ```mlir
    %y = sieve.topk_ffn %x, %w1, %w2 {k = 128 : i64}
        : (tensor<?x512xf32>, tensor<512x2053xf32>, tensor<2053x512xf32>)
        -> tensor<?x512xf32>
    ```
  }];
  let arguments = (ins Sieve_FloatTensor:$x, Sieve_FloatTensor:$w1,
                       Sieve_FloatTensor:$w2, I64Attr:$k);
  let results = (outs Sieve_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $w1 `,` $w2 attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// pkm_ffn
//===----------------------------------------------------------------------===//

def Sieve_PkmFfnOp : Sieve_LayerOp<"pkm_ffn"> {
  let summary = "product-key memory (Sec. 3.2, Eq. 8; App. A.3)";
  let description = [{
    A product-key memory with `heads` heads sharing one table of
    `num_subkeys^2` values. For each head h, `x` is split into halves
    `x_a | x_b` (d_model must be even) and scored against that head's
    sub-keys: `u_a = x_a keys_a[:, h, :]`, `u_b = x_b keys_b[:, h, :]`.
    The full score of value i is `u[i] = u_b[i / S] + u_a[i mod S]` with
    `S = num_subkeys` (Eq. 8); it is never materialised: the top-`k` of
    `u_a` and of `u_b` are combined into `k^2` candidates whose top-`k` are
    exactly the top-`k` of `u`. The selected scores go through `activation`
    (`relu`, Sec. 6.2, or `softmax` over the k scores, as in Lample et al.
    2019) and weight the selected value rows; the heads' outputs are summed.

    Operands: `keys_a`, `keys_b`: `(d_model/2) x heads x num_subkeys`;
    `values`: `num_subkeys^2 x d_model`.

    Example (the parameter-matched small PKM of App. A.3: 62 sub-keys,
    3844 values, 4 heads):
    ```mlir
    %y = sieve.pkm_ffn %x, %ka, %kb, %v {activation = #sieve.pkm_activation<relu>,
            heads = 4 : i64, k = 32 : i64, num_subkeys = 62 : i64}
        : (tensor<?x412xf32>, tensor<206x4x62xf32>, tensor<206x4x62xf32>,
           tensor<3844x412xf32>) -> tensor<?x412xf32>
    ```
  }];
  let arguments = (ins Sieve_FloatTensor:$x, Sieve_FloatTensor:$keys_a,
                       Sieve_FloatTensor:$keys_b, Sieve_FloatTensor:$values,
                       I64Attr:$num_subkeys, I64Attr:$heads, I64Attr:$k,
                       Sieve_PkmActivationAttr:$activation);
  let results = (outs Sieve_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $keys_a `,` $keys_b `,` $values attr-dict `:`
    functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// moe_ffn
//===----------------------------------------------------------------------===//

def Sieve_MoeFfnOp : Sieve_LayerOp<"moe_ffn"> {
  let summary = "mixture of experts: σ-MoE, Switch, S-BASE, softmax gating";
  let description = [{
    Partitions the d_ff key-value pairs into `num_experts` (N_E) experts of
    `expert_size` (G) pairs (Eq. 9-10) and computes, per token,

        y = sum_{e in E_x} s[e] W2^e ReLU(W1^e x)        (Eq. 11)

    with expert scores from the selection weights `w3` (`d_model x N_E`):

    - `selection_activation`: `sigmoid` (σ-MoE, Sec. 5), `softmax` (Switch,
      top-K after softmax without renormalisation), or `softmax_renorm`
      (renormalised after top-K, App. A.1, Eq. 23-25).
    - `selection`: `topk`: `E_x = argtopk(s, K)`; `sinkhorn` (S-BASE,
      Eq. 18-19): in training, the top-K of the Sinkhorn-balanced assignment
      of the logits `W3 x` (`sinkhorn_iterations` log-domain iterations,
      default 3), with sigmoid gates; in evaluation plain top-K.
    - `expert_dropout` δ (Eq. 22): in training each (token, expert) score is
      kept with probability 1 - δ, without rescaling; a dropped expert is
      never selected. The mask is drawn by `sieve.bernoulli_mask` (stream 0)
      from the `seed` operand, which training with δ > 0 must supply.
    - `activation_dropout` p: in training, standard (inverted) dropout on the
      experts' hidden units `ReLU(W1^e x)` (the paper's "standard dropout"
      ablation, Tab. 10), one mask element per hidden unit of a sorted
      (token, slot) pair, drawn from the seed's stream 1.
    - `regularizer`: `entropy`, `L = sum_e p[e] log p[e]` with `p` the batch
      mean of `softmax(W3 x)` (Eq. 20-21), or `switch`, `L = N_E f . p`
      (Eq. 15-17). The op then has a second result, `aux_loss = γ L`, with
      γ = `regularizer_weight`.
    - `train`: training-time behaviour (Sinkhorn balancing, the dropouts).

    Weights: `w1` is `N_E x d_model x G` (`w1[e]` is W1^e transposed, the
    CVMM layout of Eq. 26), `w2` is `N_E x G x d_model`, `w3` is
    `d_model x N_E`. The paper's d_ff is `N_E * G`.

    Example (σ-MoE of the 41M Enwik8 model, Tab. 9):
    ```mlir
    %y, %reg = sieve.moe_ffn %x, %w1, %w2, %w3 seed(%seed) {
        num_experts = 16 : i64, expert_size = 128 : i64, k = 4 : i64,
        selection_activation = #sieve.selection_activation<sigmoid>,
        selection = #sieve.selection<topk>, expert_dropout = 5.0e-02,
        regularizer = #sieve.regularizer<entropy>,
        regularizer_weight = 1.0e-04, train}
        : (tensor<?x512xf32>, tensor<16x512x128xf32>, tensor<16x128x512xf32>,
           tensor<512x16xf32>, i64) -> (tensor<?x512xf32>, tensor<f32>)
    ```
  }];
  let arguments = (ins Sieve_FloatTensor:$x, Sieve_FloatTensor:$w1,
      Sieve_FloatTensor:$w2, Sieve_FloatTensor:$w3, Optional<I64>:$seed,
      I64Attr:$num_experts, I64Attr:$expert_size, I64Attr:$k,
      Sieve_SelectionActivationAttr:$selection_activation,
      DefaultValuedAttr<Sieve_ExpertSelectionAttr,
                        "::mlir::sieve::ExpertSelection::TopK">:$selection,
      OptionalAttr<I64Attr>:$sinkhorn_iterations,
      DefaultValuedAttr<F64Attr, "0.0">:$expert_dropout,
      DefaultValuedAttr<F64Attr, "0.0">:$activation_dropout,
      DefaultValuedAttr<Sieve_RegularizerAttr,
                        "::mlir::sieve::Regularizer::None">:$regularizer,
      OptionalAttr<F64Attr>:$regularizer_weight,
      UnitAttr:$train);
  let results = (outs Sieve_FloatTensor:$y, Optional<Sieve_LossTensor>:$aux_loss);
  let assemblyFormat = [{
    $x `,` $w1 `,` $w2 `,` $w3 (`seed` `(` $seed^ `)`)? attr-dict `:`
    functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// Sinkhorn iterations to run: the attribute, or 3 (the paper's value).
    int64_t getSinkhornIterationCount() {
      return getSinkhornIterations().value_or(3);
    }
    /// True when training draws an expert-dropout mask.
    bool usesExpertDropout() {
      return getTrain() && getExpertDropout().convertToDouble() > 0.0;
    }
    /// True when training drops hidden units.
    bool usesActivationDropout() {
      return getTrain() && getActivationDropout().convertToDouble() > 0.0;
    }
    /// True when the op draws random masks, and so needs its seed.
    bool usesSeed() { return usesExpertDropout() || usesActivationDropout(); }
  }];
}

//===----------------------------------------------------------------------===//
// mowe_ffn
//===----------------------------------------------------------------------===//

def Sieve_MoweFfnOp : Sieve_LayerOp<"mowe_ffn"> {
  let summary = "Mixture of Word Experts: experts fixed by routing ids (MoWE)";
  let description = [{
    Each token is processed by exactly one expert, fixed by its routing id
    (MoWE, Sec. 2.2): the id of the longest match of the preceding tokens in
    a large routing vocabulary (Sec. 2.4), computed in the data pipeline and
    passed as `routing_ids` (`tokens`, i32). There is no learned router and
    no auxiliary loss.

    Routing ids are ordered by frequency. Ids below `num_unrouted` (the most
    frequent ones, App. A.1) are not routed: the layer outputs zero for
    them. The remaining ids are split into consecutive frequency `buckets`
    (Sec. 2.3, Tab. 6/7), each with its own expert blocks and expert size.
    A token whose id is the j-th id of bucket b goes to that bucket's
    expert `j mod (blocks_b * experts_per_block_b)`, i.e. expert
    `j mod experts_per_block` of block `(j mod E_b) / experts_per_block`.
    The ids of all buckets plus `num_unrouted` must cover
    `routing_vocab_size` exactly.

    `expert_weights` holds, for every bucket in order, `w1_b`
    (`E_b x d_model x G_b`) then `w2_b` (`E_b x G_b x d_model`). Several
    `sieve.mowe_ffn` ops that share parameters (Sec. 3.2) use the same
    weight values.

    Example:
    ```mlir
    %y = sieve.mowe_ffn %x, %ids, %w1a, %w2a, %w1b, %w2b {
        routing_vocab_size = 4096 : i64, num_unrouted = 16 : i64,
        buckets = [#sieve.bucket<routing_ids = 240, blocks = 16,
                                 experts_per_block = 15, expert_size = 256>,
                   #sieve.bucket<routing_ids = 3840, blocks = 16,
                                 experts_per_block = 64, expert_size = 32>]}
        : (tensor<?x256xf32>, tensor<?xi32>, tensor<240x256x256xf32>,
           tensor<240x256x256xf32>, tensor<1024x256x32xf32>,
           tensor<1024x32x256xf32>) -> tensor<?x256xf32>
    ```
  }];
  let arguments = (ins Sieve_FloatTensor:$x, Sieve_IndexTensor:$routing_ids,
      Variadic<Sieve_FloatTensor>:$expert_weights,
      I64Attr:$routing_vocab_size,
      DefaultValuedAttr<I64Attr, "0">:$num_unrouted,
      TypedArrayAttrBase<Sieve_BucketAttr, "array of MoWE buckets">:$buckets);
  let results = (outs Sieve_FloatTensor:$y);
  let assemblyFormat = [{
    $x `,` $routing_ids (`,` $expert_weights^)? attr-dict `:`
    functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// The buckets as typed attributes.
    ::llvm::SmallVector<::mlir::sieve::BucketAttr> getBucketAttrs();
  }];
}

#endif // SIEVE_LAYER_OPS_TD
