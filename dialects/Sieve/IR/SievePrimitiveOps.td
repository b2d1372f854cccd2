//===- SievePrimitiveOps.td - routed primitives ----------------------------===//
//
// The routed computations that the layer ops decompose into. Dense parts of a
// layer (projections, activations, sums) are expressed with upstream dialects
// instead. Equation numbers refer to the σ-MoE paper unless they say "MoWE".
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_PRIMITIVE_OPS_TD
#define SIEVE_PRIMITIVE_OPS_TD

include "dialects/Sieve/IR/SieveAttrs.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Every primitive can state its result sizes in terms of its operands, so
// tensor.dim of its results folds away (resolve-ranked-shaped-type-result-dims)
// and later lowerings can size their buffers.
class Sieve_PrimitiveOp<string mnemonic, list<Trait> traits = []>
    : Sieve_Op<mnemonic, !listconcat(traits, [Pure,
        DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface,
                                  ["reifyResultShapes"]>])> {
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Expert routing
//===----------------------------------------------------------------------===//

def Sieve_SelectExpertsOp : Sieve_PrimitiveOp<"select_experts",
    [AttrSizedOperandSegments]> {
  let summary = "expert selection with its dropout mask (Eq. 11, 22, 25)";
  let description = [{
    Chooses `k` experts per token from the activated scores `s`
    (`tokens x N_E`) and returns their indices, best first, and their gates.

    - `keep` (i1, `tokens x N_E`), the expert-dropout mask of Eq. 22: the
      scores become `s ⊙ m`; a dropped expert ranks below every kept one and
      its gate is 0.
    - `ranked_by` (`tokens x N_E`): rank experts by this tensor instead of
      `s` (S-BASE ranks by the Sinkhorn assignment but gates with the
      sigmoid scores, Sec. 4). Gates are always taken from `s`.
    - `renormalize`: divide the k gates by their sum (norm topk, Eq. 25); a
      token whose gates sum to 0 keeps zero gates.

    Ties rank the lower expert index first.
  }];
  let arguments = (ins Sieve_FloatTensor:$scores,
                       Optional<Sieve_FloatTensor>:$ranking,
                       Optional<Sieve_MaskTensor>:$keep,
                       I64Attr:$k, UnitAttr:$renormalize);
  let results = (outs Sieve_IndexTensor:$experts, Sieve_FloatTensor:$gates);
  let assemblyFormat = [{
    $scores (`ranked_by` `(` $ranking^ `)`)? (`keep` `(` $keep^ `)`)? attr-dict
    `:` functional-type(operands, results)
  }];
}

def Sieve_SinkhornOp : Sieve_PrimitiveOp<"sinkhorn"> {
  let summary = "log-domain Sinkhorn balancing of token-expert logits (S-BASE)";
  let description = [{
    Approximates the balanced assignment of Eq. 19 (S-BASE, Clark et al.
    2022) from the logits `x = W3 x` (`tokens x N_E`, N tokens). Starting
    from `a = 0`, each of `iterations` steps sets

        b[n] = -logsumexp_e(x[n, e] + a[e])               (each token: mass 1)
        a[e] = log(N / N_E) - logsumexp_n(x[n, e] + b[n])  (each expert: N/N_E)

    and the result is the log assignment `x[n, e] + a[e] + b[n]`. It is only
    used to rank experts (`sieve.select_experts ranked_by`); no gradient
    flows through it.
  }];
  let arguments = (ins Sieve_FloatTensor:$logits, I64Attr:$iterations);
  let results = (outs Sieve_FloatTensor:$log_assignment);
  let assemblyFormat = [{
    $logits attr-dict `:` functional-type(operands, results)
  }];
}

def Sieve_DispatchOp : Sieve_PrimitiveOp<"dispatch"> {
  let summary = "sort (token, slot) pairs by expert and give per-expert offsets";
  let description = [{
    Given the expert of every (token, slot) pair, `experts`
    (`tokens x k`, i32), numbers the pairs `p = token * k + slot` and sorts
    them by expert, stably (App. B.1: the reordering that lets CVMM reuse
    each expert's weights). `sorted_pairs[j]` is the pair at sorted position
    j; `offsets` (`N_E + 1` entries) gives the first sorted position of
    every expert, and `offsets[N_E]` the number of routed pairs. Pairs whose
    expert is -1 are not routed: they come last, in pair order. An expert id
    outside [-1, N_E) is invalid input, checked by the runtime.
  }];
  let arguments = (ins Sieve_IndexTensor:$experts, I64Attr:$num_experts);
  let results = (outs Sieve_IndexTensor:$sorted_pairs,
                      Sieve_IndexTensor:$offsets);
  let assemblyFormat = [{
    $experts attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// CVMM and its weight gradient
//===----------------------------------------------------------------------===//

def Sieve_CvmmOp : Sieve_PrimitiveOp<"cvmm"> {
  let summary = "conditional vector-matrix multiplication (Eq. 26), grouped";
  let description = [{
    `CVMM(V, S, M)[n, l] = sum_m V[n, m] M[S[n], m, l]` (Eq. 26) in the
    sorted, grouped form fast kernels use: the (token, slot) pairs are taken
    in the order of `sieve.dispatch` (`sorted_pairs`, `offsets`), so each
    expert's rows are contiguous and the product is one GEMM per expert.

    For every routed sorted position `j < offsets[N_E]`, with expert `e`
    (`offsets[e] <= j < offsets[e+1]`) and pair `p = sorted_pairs[j]`:

        row  = input_rows == token ? input[p / k] : input[j]
        term = row . weight[e]          (weight[e]^T with transpose_weight)
        term = term * scale[p / k, p mod k]     (when `scale` is given)
        output_rows == sorted: result[j] = term
        output_rows == token:  result[p / k] += term

    Sorted result rows of unrouted positions are zero. `weight` is
    `N_E x M x L` (`N_E x L x M` with `transpose_weight`). `sorted` operands
    have `tokens * k` rows, `token` operands `tokens` rows; `scale` is
    `tokens x k`.

    σ-MoE runs it twice (Eq. 11): `token -> sorted` for the up-projection
    `W1^e x`, never materialising a `(tokens * k) x d_model` copy of x, and
    `sorted -> token` with the gates as `scale` for the down-projection and
    the weighted sum. The adjoint with respect to `input` is a CVMM with
    `transpose_weight` and the row orders swapped; the one with respect to
    `weight` is `sieve.cvmm_weight_grad`.
  }];
  let arguments = (ins Sieve_FloatTensor:$input, Sieve_FloatTensor:$weight,
      Sieve_IndexTensor:$sorted_pairs, Sieve_IndexTensor:$offsets,
      Optional<Sieve_FloatTensor>:$scale, I64Attr:$k,
      Sieve_RowOrderAttr:$input_rows, Sieve_RowOrderAttr:$output_rows,
      UnitAttr:$transpose_weight);
  let results = (outs Sieve_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `,` $sorted_pairs `,` $offsets
    (`scale` `(` $scale^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

def Sieve_CvmmWeightGradOp : Sieve_PrimitiveOp<"cvmm_weight_grad"> {
  let summary = "the weight gradient of CVMM: a grouped reduction per expert";
  let description = [{
    The adjoint of `sieve.cvmm` with respect to its weight (App. B.1: "the
    weight gradient is a separate grouped reduction"):

        dweight[e] = sum_{offsets[e] <= j < offsets[e+1]}
                     row_in(j)^T (scale(j) * row_grad(j))

    where `row_in(j)` is `input[p / k]` (`input_rows = token`) or `input[j]`
    (`sorted`), `row_grad(j)` likewise from `grad_output` and `grad_rows`,
    `p = sorted_pairs[j]`, and `scale(j) = scale[p / k, p mod k]` (1 when
    absent). The result is `N_E x M x L`; an expert with no routed pair gets
    a zero gradient.
  }];
  let arguments = (ins Sieve_FloatTensor:$input, Sieve_FloatTensor:$grad_output,
      Sieve_IndexTensor:$sorted_pairs, Sieve_IndexTensor:$offsets,
      Optional<Sieve_FloatTensor>:$scale, I64Attr:$k,
      Sieve_RowOrderAttr:$input_rows, Sieve_RowOrderAttr:$grad_rows);
  let results = (outs Sieve_FloatTensor:$weight_grad);
  let assemblyFormat = [{
    $input `,` $grad_output `,` $sorted_pairs `,` $offsets
    (`scale` `(` $scale^ `)`)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Top-K and product keys
//===----------------------------------------------------------------------===//

def Sieve_TopKOp : Sieve_PrimitiveOp<"topk"> {
  let summary = "the k largest entries along the last dimension (Eq. 6)";
  let description = [{
    For every row of the last dimension, the `k` largest values in
    descending order and their indices (i32); ties keep the lower index
    first. `E_x = argtopk(u, K)` of Eq. 6.
  }];
  let arguments = (ins Sieve_FloatTensor:$input, I64Attr:$k);
  let results = (outs Sieve_FloatTensor:$values, Sieve_IndexTensor:$indices);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Sieve_ProductKeyTopKOp : Sieve_PrimitiveOp<"product_key_topk"> {
  let summary = "top-K of the Cartesian sum of two sub-key scores (Eq. 8)";
  let description = [{
    `scores_a`, `scores_b`: `tokens x heads x S`, the sub-key scores `u_a`,
    `u_b` of each head. The full scores are `u[i] = u_b[i / S] + u_a[i mod
    S]` (Eq. 8) for `i < S^2`. The op returns the `k` largest `u[i]` of
    every (token, head), descending, and their indices `i` (i32), computed
    from the top-k of `u_a` and `u_b` alone: the `k^2` candidate sums
    contain the `k` largest entries of `u`. Ties keep the lower index.
  }];
  let arguments = (ins Sieve_FloatTensor:$scores_a,
                       Sieve_FloatTensor:$scores_b, I64Attr:$k);
  let results = (outs Sieve_FloatTensor:$scores, Sieve_IndexTensor:$indices);
  let assemblyFormat = [{
    $scores_a `,` $scores_b attr-dict `:` functional-type(operands, results)
  }];
}

def Sieve_GatherSumOp : Sieve_PrimitiveOp<"gather_sum"> {
  let summary = "weighted sum of gathered table rows (Eq. 7, PKM values)";
  let description = [{
    `result[n] = sum_j weights[n, j] * table[indices[n, j]]`: `weights`
    and `indices` are `tokens x J`, `table` is `V x d_model`. The selected
    values of the top-K activation (Eq. 7) and of a product-key memory are
    summed this way, reading only the J selected rows of the table.
  }];
  let arguments = (ins Sieve_FloatTensor:$weights, Sieve_IndexTensor:$indices,
                       Sieve_FloatTensor:$table);
  let results = (outs Sieve_FloatTensor:$result);
  let assemblyFormat = [{
    $weights `,` $indices `,` $table attr-dict `:`
    functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Regularisers
//===----------------------------------------------------------------------===//

def Sieve_EntropyRegOp : Sieve_PrimitiveOp<"entropy_reg"> {
  let summary = "σ-MoE's entropy regulariser γ sum_e p[e] log p[e] (Eq. 20-21)";
  let description = [{
    `p = mean_n softmax(logits[n])` over all tokens of the batch (Eq. 20);
    the result is `weight * sum_e p[e] log p[e]` (Eq. 21), a negative
    entropy: minimising it spreads the selection over the experts.
  }];
  let arguments = (ins Sieve_FloatTensor:$logits, F64Attr:$weight);
  let results = (outs Sieve_LossTensor:$loss);
  let assemblyFormat = [{
    $logits attr-dict `:` functional-type(operands, results)
  }];
}

def Sieve_SwitchRegOp : Sieve_PrimitiveOp<"switch_reg"> {
  let summary = "Switch Transformer's load-balancing loss γ N_E f.p (Eq. 15-17)";
  let description = [{
    `f[e]`: the fraction of tokens routed to expert e by `experts`
    (`tokens x k`; each slot counts, Eq. 15); `p = mean_n softmax(logits[n])`
    (Eq. 16); the result is `weight * N_E * (f . p)` (Eq. 17).
  }];
  let arguments = (ins Sieve_FloatTensor:$logits, Sieve_IndexTensor:$experts,
                       F64Attr:$weight);
  let results = (outs Sieve_LossTensor:$loss);
  let assemblyFormat = [{
    $logits `,` $experts attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// MoWE routing and randomness
//===----------------------------------------------------------------------===//

def Sieve_WordRouteOp : Sieve_PrimitiveOp<"word_route"> {
  let summary = "fixed word routing: routing id -> bucket-local expert (MoWE)";
  let description = [{
    Maps every token's routing id to its expert in each frequency bucket
    (MoWE, Sec. 2.3 "Hierarchical Routing"; the rule is the one of
    `sieve.mowe_ffn`). Result b (`tokens x 1`, i32) holds the expert of the
    token within bucket b, or -1 when the token's id is not in that bucket
    (unrouted ids, other buckets, ids past the vocabulary). The results feed
    one `sieve.dispatch` per bucket with `k = 1`.
  }];
  let arguments = (ins Sieve_IndexTensor:$routing_ids,
      DefaultValuedAttr<I64Attr, "0">:$num_unrouted,
      TypedArrayAttrBase<Sieve_BucketAttr, "array of MoWE buckets">:$buckets);
  let results = (outs Variadic<Sieve_IndexTensor>:$experts);
  let assemblyFormat = [{
    $routing_ids attr-dict `:` functional-type(operands, results)
  }];
}

def Sieve_BernoulliMaskOp : Sieve_PrimitiveOp<"bernoulli_mask"> {
  let summary = "a counter-based Bernoulli mask drawn from a seed";
  let description = [{
    Element i (row-major linear index) of the i1 result is 1 with
    probability `keep_probability`. The draw is a pure function of
    `(seed, stream, i)`, so host and GPU kernels produce the same bits in any
    order: with 64-bit wrap-around arithmetic,

        z = seed + 0x9E3779B97F4A7C15 * (i + 1) + 0xD1B54A32D192ED03 * stream
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB
        z = z ^ (z >> 31)
        keep[i] = (z >> 40) < round(keep_probability * 2^24)

    (the SplitMix64 finaliser). Different `stream`s give independent masks
    from one seed. `dynamic_sizes` gives the result's dynamic dimensions, as
    for `tensor.empty`. Expert dropout (Eq. 22) draws its mask with
    `keep_probability = 1 - δ`.
  }];
  let arguments = (ins I64:$seed, Variadic<Index>:$dynamic_sizes,
                       F64Attr:$keep_probability,
                       DefaultValuedAttr<I64Attr, "0">:$stream);
  let results = (outs Sieve_MaskTensor:$mask);
  let assemblyFormat = [{
    $seed (`[` $dynamic_sizes^ `]`)? attr-dict `:` type($mask)
  }];
}

#endif // SIEVE_PRIMITIVE_OPS_TD
