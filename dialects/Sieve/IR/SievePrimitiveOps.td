//===- SievePrimitiveOps.td - routed primitives ----------------------------===//
//
// The routed computations that the layer ops decompose into. Dense parts of a
// layer (projections, activations, sums) are expressed with upstream dialects
// instead. Equation numbers refer to the σ-MoE paper unless they say "MoWE".
//
// Every primitive is in destination-passing style, like linalg's named ops:
// `ins(...)` are read, `outs(...)` are the destinations. On tensors (value
// semantics) the op returns one result per init, of the init's type; on
// memrefs (buffer semantics, after one-shot bufferization) it writes the
// init buffers and returns nothing. Each op says whether it accumulates into
// its inits (`+=`, like linalg.matmul) or overwrites them.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_PRIMITIVE_OPS_TD
#define SIEVE_PRIMITIVE_OPS_TD

include "dialects/Sieve/IR/SieveAttrs.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Primitives read their inputs, write their inits when they are buffers, and
// state their result sizes as their inits' sizes (so tensor.dim of a result
// folds away and bufferization can size buffers).
class Sieve_PrimitiveOp<string mnemonic, list<Trait> traits = []>
    : Sieve_Op<mnemonic, !listconcat(traits, [DestinationStyleOpInterface,
        DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
        DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface,
                                  ["reifyResultShapes"]>])> {
  let hasVerifier = 1;
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let extraClassDefinition = [{
    void $cppClass::getEffects(
        ::llvm::SmallVectorImpl<::mlir::SideEffects::EffectInstance<
            ::mlir::MemoryEffects::Effect>> &effects) {
      ::mlir::sieve::detail::getDestinationStyleEffects(getOperation(),
                                                         effects);
    }
    ::llvm::LogicalResult $cppClass::reifyResultShapes(
        ::mlir::OpBuilder &builder,
        ::mlir::ReifiedRankedShapedTypeDims &shapes) {
      return ::mlir::sieve::detail::reifyShapesFromInits(getOperation(),
                                                        builder, shapes);
    }
  }];
}

//===----------------------------------------------------------------------===//
// Expert routing
//===----------------------------------------------------------------------===//

def Sieve_SelectExpertsOp : Sieve_PrimitiveOp<"select_experts",
    [AttrSizedOperandSegments]> {
  let summary = "expert selection with its dropout mask (Eq. 11, 22, 25)";
  let description = [{
    Chooses `k` experts per token from the activated scores `s`
    (`tokens x N_E`) and writes their indices, best first, into
    `experts_init` (`tokens x k`, i32) and their gates into `gates_init`
    (`tokens x k`), overwriting both.

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
  let arguments = (ins Sieve_Float:$scores, Optional<Sieve_Float>:$ranking,
                       Optional<Sieve_Mask>:$keep, Sieve_Index:$experts_init,
                       Sieve_Float:$gates_init, I64Attr:$k,
                       UnitAttr:$renormalize);
  let assemblyFormat = [{
    `ins` `(` $scores `:` type($scores) `)`
    (`ranked_by` `(` $ranking^ `:` type($ranking) `)`)?
    (`keep` `(` $keep^ `:` type($keep) `)`)?
    `outs` `(` $experts_init `,` $gates_init `:` type($experts_init) `,`
    type($gates_init) `)` attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return ::mlir::MutableOperandRange(getOperation(),
                                         getNumOperands() - 2, 2);
    }
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

    and the log assignment `x[n, e] + a[e] + b[n]` overwrites `init`. It is
    only used to rank experts (`sieve.select_experts ranked_by`); no gradient
    flows through it.
  }];
  let arguments = (ins Sieve_Float:$logits, Sieve_Float:$init,
                       I64Attr:$iterations);
  let assemblyFormat = [{
    `ins` `(` $logits `:` type($logits) `)` `outs` `(` $init `:` type($init) `)`
    attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
}

def Sieve_DispatchOp : Sieve_PrimitiveOp<"dispatch"> {
  let summary = "sort (token, slot) pairs by expert and give per-expert offsets";
  let description = [{
    Given the expert of every (token, slot) pair, `experts`
    (`tokens x k`, i32), numbers the pairs `p = token * k + slot` and sorts
    them by expert, stably (App. B.1: the reordering that lets CVMM reuse
    each expert's weights). It overwrites `pairs_init` (`tokens * k`) with
    the sorted pairs — entry j is the pair at sorted position j — and
    `offsets_init` (`N_E + 1`) with the first sorted position of every
    expert; `offsets[N_E]` is the number of routed pairs. Pairs whose expert
    is -1 are not routed: they come last, in pair order. An expert id outside
    [-1, N_E) is invalid input, checked by the runtime.
  }];
  let arguments = (ins Sieve_Index:$experts, Sieve_Index:$pairs_init,
                       Sieve_Index:$offsets_init, I64Attr:$num_experts);
  let assemblyFormat = [{
    `ins` `(` $experts `:` type($experts) `)`
    `outs` `(` $pairs_init `,` $offsets_init `:` type($pairs_init) `,`
    type($offsets_init) `)` attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return ::mlir::MutableOperandRange(getOperation(),
                                         getNumOperands() - 2, 2);
    }
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
    It accumulates into `init`.

    For every routed sorted position `j < offsets[N_E]`, with expert `e`
    (`offsets[e] <= j < offsets[e+1]`) and pair `p = sorted_pairs[j]`:

        row  = input_rows == token ? input[p / k] : input[j]
        term = row . weight[e]          (weight[e]^T with transpose_weight)
        term = term * scale[p / k, p mod k]     (when `scale` is given)
        output_rows == sorted: init[j]     += term
        output_rows == token:  init[p / k] += term

    `weight` is `N_E x M x L` (`N_E x L x M` with `transpose_weight`).
    `sorted` operands have `tokens * k` rows, `token` operands `tokens`
    rows; `scale` is `tokens x k`.

    σ-MoE runs it twice (Eq. 11): `token -> sorted` for the up-projection
    `W1^e x`, never materialising a `(tokens * k) x d_model` copy of x, and
    `sorted -> token` with the gates as `scale` for the down-projection and
    the weighted sum. The adjoint with respect to `input` is a CVMM with
    `transpose_weight` and the row orders swapped; the one with respect to
    `weight` is `sieve.cvmm_weight_grad`.
  }];
  let arguments = (ins Sieve_Float:$input, Sieve_Float:$weight,
      Sieve_Index:$sorted_pairs, Sieve_Index:$offsets,
      Optional<Sieve_Float>:$scale, Sieve_Float:$init, I64Attr:$k,
      Sieve_RowOrderAttr:$input_rows, Sieve_RowOrderAttr:$output_rows,
      UnitAttr:$transpose_weight);
  let assemblyFormat = [{
    `ins` `(` $input `,` $weight `,` $sorted_pairs `,` $offsets `:`
    type($input) `,` type($weight) `,` type($sorted_pairs) `,` type($offsets)
    `)` (`scale` `(` $scale^ `:` type($scale) `)`)?
    `outs` `(` $init `:` type($init) `)` attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
}

def Sieve_CvmmWeightGradOp : Sieve_PrimitiveOp<"cvmm_weight_grad"> {
  let summary = "the weight gradient of CVMM: a grouped reduction per expert";
  let description = [{
    The adjoint of `sieve.cvmm` with respect to its weight (App. B.1: "the
    weight gradient is a separate grouped reduction"), accumulated into
    `init` (`N_E x M x L`):

        init[e] += sum_{offsets[e] <= j < offsets[e+1]}
                   row_in(j)^T (scale(j) * row_grad(j))

    where `row_in(j)` is `input[p / k]` (`input_rows = token`) or `input[j]`
    (`sorted`), `row_grad(j)` likewise from `grad_output` and `grad_rows`,
    `p = sorted_pairs[j]`, and `scale(j) = scale[p / k, p mod k]` (1 when
    absent). An expert with no routed pair gets nothing added.
  }];
  let arguments = (ins Sieve_Float:$input, Sieve_Float:$grad_output,
      Sieve_Index:$sorted_pairs, Sieve_Index:$offsets,
      Optional<Sieve_Float>:$scale, Sieve_Float:$init, I64Attr:$k,
      Sieve_RowOrderAttr:$input_rows, Sieve_RowOrderAttr:$grad_rows);
  let assemblyFormat = [{
    `ins` `(` $input `,` $grad_output `,` $sorted_pairs `,` $offsets `:`
    type($input) `,` type($grad_output) `,` type($sorted_pairs) `,`
    type($offsets) `)` (`scale` `(` $scale^ `:` type($scale) `)`)?
    `outs` `(` $init `:` type($init) `)` attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
}

//===----------------------------------------------------------------------===//
// Top-K and product keys
//===----------------------------------------------------------------------===//

def Sieve_TopKOp : Sieve_PrimitiveOp<"topk"> {
  let summary = "the k largest entries along the last dimension (Eq. 6)";
  let description = [{
    For every row of the last dimension, the `k` largest values in
    descending order overwrite `values_init` and their indices (i32)
    `indices_init`; ties keep the lower index first. `E_x = argtopk(u, K)`
    of Eq. 6.
  }];
  let arguments = (ins Sieve_Float:$input, Sieve_Float:$values_init,
                       Sieve_Index:$indices_init, I64Attr:$k);
  let assemblyFormat = [{
    `ins` `(` $input `:` type($input) `)`
    `outs` `(` $values_init `,` $indices_init `:` type($values_init) `,`
    type($indices_init) `)` attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return ::mlir::MutableOperandRange(getOperation(),
                                         getNumOperands() - 2, 2);
    }
  }];
}

def Sieve_ProductKeyTopKOp : Sieve_PrimitiveOp<"product_key_topk"> {
  let summary = "top-K of the Cartesian sum of two sub-key scores (Eq. 8)";
  let description = [{
    `scores_a`, `scores_b`: `tokens x heads x S`, the sub-key scores `u_a`,
    `u_b` of each head. The full scores are `u[i] = u_b[i / S] + u_a[i mod
    S]` (Eq. 8) for `i < S^2`. The `k` largest `u[i]` of every (token,
    head), descending, overwrite `scores_init` and their indices `i` (i32)
    `indices_init`. They are computed from the top-k of `u_a` and `u_b`
    alone: the `k^2` candidate sums contain the `k` largest entries of `u`.
    Ties keep the lower index.
  }];
  let arguments = (ins Sieve_Float:$scores_a, Sieve_Float:$scores_b,
                       Sieve_Float:$scores_init, Sieve_Index:$indices_init,
                       I64Attr:$k);
  let assemblyFormat = [{
    `ins` `(` $scores_a `,` $scores_b `:` type($scores_a) `,` type($scores_b)
    `)` `outs` `(` $scores_init `,` $indices_init `:` type($scores_init) `,`
    type($indices_init) `)` attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return ::mlir::MutableOperandRange(getOperation(),
                                         getNumOperands() - 2, 2);
    }
  }];
}

def Sieve_GatherSumOp : Sieve_PrimitiveOp<"gather_sum"> {
  let summary = "weighted sum of gathered table rows (Eq. 7, PKM values)";
  let description = [{
    `init[n] += sum_j weights[n, j] * table[indices[n, j]]`: `weights` and
    `indices` are `tokens x J`, `table` is `V x d_model`. The selected values
    of the top-K activation (Eq. 7) and of a product-key memory are summed
    this way, reading only the J selected rows of the table.
  }];
  let arguments = (ins Sieve_Float:$weights, Sieve_Index:$indices,
                       Sieve_Float:$table, Sieve_Float:$init);
  let assemblyFormat = [{
    `ins` `(` $weights `,` $indices `,` $table `:` type($weights) `,`
    type($indices) `,` type($table) `)` `outs` `(` $init `:` type($init) `)`
    attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
}

//===----------------------------------------------------------------------===//
// Regularisers
//===----------------------------------------------------------------------===//

def Sieve_EntropyRegOp : Sieve_PrimitiveOp<"entropy_reg"> {
  let summary = "σ-MoE's entropy regulariser γ sum_e p[e] log p[e] (Eq. 20-21)";
  let description = [{
    `p = mean_n softmax(logits[n])` over all tokens of the batch (Eq. 20);
    `weight * sum_e p[e] log p[e]` (Eq. 21), a negative entropy, overwrites
    the 0-d f32 `init`: minimising it spreads the selection over the experts.
  }];
  let arguments = (ins Sieve_Float:$logits, Sieve_Loss:$init,
                       F64Attr:$weight);
  let assemblyFormat = [{
    `ins` `(` $logits `:` type($logits) `)` `outs` `(` $init `:` type($init) `)`
    attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
}

def Sieve_SwitchRegOp : Sieve_PrimitiveOp<"switch_reg"> {
  let summary = "Switch Transformer's load-balancing loss γ N_E f.p (Eq. 15-17)";
  let description = [{
    `f[e]`: the fraction of tokens routed to expert e by `experts`
    (`tokens x k`; each slot counts, Eq. 15); `p = mean_n softmax(logits[n])`
    (Eq. 16); `weight * N_E * (f . p)` (Eq. 17) overwrites the 0-d f32
    `init`.
  }];
  let arguments = (ins Sieve_Float:$logits, Sieve_Index:$experts,
                       Sieve_Loss:$init, F64Attr:$weight);
  let assemblyFormat = [{
    `ins` `(` $logits `,` $experts `:` type($logits) `,` type($experts) `)`
    `outs` `(` $init `:` type($init) `)` attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
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
    `sieve.mowe_ffn`). Init b (`tokens x 1`, i32) is overwritten with the
    expert of each token within bucket b, or -1 when the token's id is not
    in that bucket (unrouted ids, other buckets, ids past the vocabulary).
    The results feed one `sieve.dispatch` per bucket with `k = 1`.
  }];
  let arguments = (ins Sieve_Index:$routing_ids,
      Variadic<Sieve_Index>:$inits,
      DefaultValuedAttr<I64Attr, "0">:$num_unrouted,
      TypedArrayAttrBase<Sieve_BucketAttr, "array of MoWE buckets">:$buckets);
  let assemblyFormat = [{
    `ins` `(` $routing_ids `:` type($routing_ids) `)`
    `outs` `(` ($inits^ `:` type($inits))? `)` attr-dict
    (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitsMutable();
    }
  }];
}

def Sieve_BernoulliMaskOp : Sieve_PrimitiveOp<"bernoulli_mask"> {
  let summary = "a counter-based Bernoulli mask drawn from a seed";
  let description = [{
    Element i (row-major linear index) of the i1 `init` is overwritten with 1
    with probability `keep_probability`. The draw is a pure function of
    `(seed, stream, i)`, so host and GPU kernels produce the same bits in any
    order: with 64-bit wrap-around arithmetic,

        z = seed + 0x9E3779B97F4A7C15 * (i + 1) + 0xD1B54A32D192ED03 * stream
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB
        z = z ^ (z >> 31)
        keep[i] = (z >> 40) < round(keep_probability * 2^24)

    (the SplitMix64 finaliser). Different `stream`s give independent masks
    from one seed. Expert dropout (Eq. 22) draws its mask with
    `keep_probability = 1 - δ`.
  }];
  let arguments = (ins I64:$seed, Sieve_Mask:$init, F64Attr:$keep_probability,
                       DefaultValuedAttr<I64Attr, "0">:$stream);
  let assemblyFormat = [{
    `ins` `(` $seed `:` type($seed) `)` `outs` `(` $init `:` type($init) `)`
    attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
}

#endif // SIEVE_PRIMITIVE_OPS_TD
