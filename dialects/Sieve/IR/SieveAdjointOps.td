//===- SieveAdjointOps.td - primitives of the backward pass ----------------===//
//
// The adjoints of the routed primitives that are not themselves primitives
// of the forward pass (the adjoint of CVMM is a CVMM and a
// `sieve.cvmm_weight_grad`). `sieve-generate-backward` emits them; each
// accumulates (`+=`) into its inits, so the gradients of a value reached
// along several paths sum without extra additions.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_ADJOINT_OPS_TD
#define SIEVE_ADJOINT_OPS_TD

include "dialects/Sieve/IR/SievePrimitiveOps.td"

def Sieve_SelectGradOp : Sieve_PrimitiveOp<"select_grad"> {
  let summary = "adjoint of taking k entries per row (select_experts, topk)";
  let description = [{
    The selected values of a row are `g[n, j] = s[n, i_j]`, `i_j =
    indices[n, j]` (`sieve.topk`, and the gates of `sieve.select_experts`),
    times `m_j = keep[n, i_j]` when a `keep` mask is given. With
    `renormalize` they are divided by their sum `S = sum_j m_j s[n, i_j]`
    (Eq. 25). Given the gradient `dg` of the selected values (`tokens x k`),
    the scores' gradient is accumulated into `init` (`tokens x N`):

        plain:       init[n, i_j] += m_j dg[n, j]
        renormalize: init[n, i_j] += m_j (dg[n, j] - sum_l dg[n, l] g[n, l]) / S

    A row whose `S` is 0 (all its gates zero) gets nothing. An index outside
    [0, N) is skipped.
  }];
  let arguments = (ins Sieve_Float:$scores, Sieve_Index:$indices,
      Sieve_Float:$grad_selected, Optional<Sieve_Mask>:$keep,
      Sieve_Float:$init, UnitAttr:$renormalize);
  let assemblyFormat = [{
    `ins` `(` $scores `,` $indices `,` $grad_selected `:` type($scores) `,`
    type($indices) `,` type($grad_selected) `)`
    (`keep` `(` $keep^ `:` type($keep) `)`)?
    `outs` `(` $init `:` type($init) `)` attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
}

def Sieve_ProductKeyGradOp : Sieve_PrimitiveOp<"product_key_grad"> {
  let summary = "adjoint of the product-key top-K (Eq. 8)";
  let description = [{
    A selected product-key score is `u_b[i / S] + u_a[i mod S]` for index
    `i = indices[n, h, j]` (`sieve.product_key_topk`), so its gradient
    `grad_scores[n, h, j]` is added to both sub-key scores:

        grad_a_init[n, h, i mod S] += grad_scores[n, h, j]
        grad_b_init[n, h, i / S]   += grad_scores[n, h, j]

    `grad_scores`, `indices`: `tokens x heads x k`; the inits: `tokens x
    heads x S`. An index outside [0, S^2) is skipped.
  }];
  let arguments = (ins Sieve_Float:$grad_scores, Sieve_Index:$indices,
      Sieve_Float:$grad_a_init, Sieve_Float:$grad_b_init);
  let assemblyFormat = [{
    `ins` `(` $grad_scores `,` $indices `:` type($grad_scores) `,`
    type($indices) `)` `outs` `(` $grad_a_init `,` $grad_b_init `:`
    type($grad_a_init) `,` type($grad_b_init) `)` attr-dict
    (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return ::mlir::MutableOperandRange(getOperation(),
                                         getNumOperands() - 2, 2);
    }
  }];
}

def Sieve_GatherDotOp : Sieve_PrimitiveOp<"gather_dot"> {
  let summary = "adjoint of gather_sum with respect to its weights";
  let description = [{
    `init[n, j] += grad_output[n] . table[indices[n, j]]`: the gradient of
    the weights of `sieve.gather_sum` (the PKM scores, the top-K
    activations). `grad_output` is `tokens x d`, `indices` and `init`
    `tokens x J`, `table` `V x d`. An index outside [0, V) is skipped.
  }];
  let arguments = (ins Sieve_Float:$grad_output, Sieve_Index:$indices,
      Sieve_Float:$table, Sieve_Float:$init);
  let assemblyFormat = [{
    `ins` `(` $grad_output `,` $indices `,` $table `:` type($grad_output) `,`
    type($indices) `,` type($table) `)` `outs` `(` $init `:` type($init) `)`
    attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
}

def Sieve_ScatterSumOp : Sieve_PrimitiveOp<"scatter_sum"> {
  let summary = "adjoint of gather_sum with respect to its table";
  let description = [{
    `init[indices[n, j]] += weights[n, j] * grad_output[n]`: the gradient of
    the table of `sieve.gather_sum` (PKM values, the top-K's W2). Rows
    selected by several (token, slot) pairs receive the sum of their
    contributions. `weights`, `indices`: `tokens x J`; `grad_output`:
    `tokens x d`; `init`: `V x d`. An index outside [0, V) is skipped.
  }];
  let arguments = (ins Sieve_Float:$weights, Sieve_Index:$indices,
      Sieve_Float:$grad_output, Sieve_Float:$init);
  let assemblyFormat = [{
    `ins` `(` $weights `,` $indices `,` $grad_output `:` type($weights) `,`
    type($indices) `,` type($grad_output) `)` `outs` `(` $init `:`
    type($init) `)` attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
}

def Sieve_PairDotOp : Sieve_PrimitiveOp<"pair_dot"> {
  let summary = "per-pair dot products: the adjoint of a CVMM's scale";
  let description = [{
    For every routed sorted position `j < offsets[N_E]` with pair `p =
    sorted_pairs[j]`:

        init[p / k, p mod k] += row_lhs(j) . row_rhs(j)

    where a row is `x[p / k]` for an operand with `token` rows and `x[j]`
    for one with `sorted` rows. The gradient of the gates of a scaled CVMM
    is the dot product of the CVMM's input row with the gradient of its
    unscaled output row (σ-MoE Eq. 11). `init` is `tokens x k`.
  }];
  let arguments = (ins Sieve_Float:$lhs, Sieve_Float:$rhs,
      Sieve_Index:$sorted_pairs, Sieve_Index:$offsets, Sieve_Float:$init,
      I64Attr:$k, Sieve_RowOrderAttr:$lhs_rows,
      Sieve_RowOrderAttr:$rhs_rows);
  let assemblyFormat = [{
    `ins` `(` $lhs `,` $rhs `,` $sorted_pairs `,` $offsets `:` type($lhs) `,`
    type($rhs) `,` type($sorted_pairs) `,` type($offsets) `)`
    `outs` `(` $init `:` type($init) `)` attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
}

def Sieve_ScaleRowsOp : Sieve_PrimitiveOp<"scale_rows"> {
  let summary = "rows scaled by their pair's factor, in sorted or token order";
  let description = [{
    For every routed sorted position `j < offsets[N_E]` with pair `p =
    sorted_pairs[j]`:

        row_out(j) += scale[p / k, p mod k] * row_in(j)

    with rows addressed as in `sieve.cvmm` (`token`: row `p / k`; `sorted`:
    row `j`). The input gradient of a scaled CVMM is its unscaled gradient
    scaled this way.
  }];
  let arguments = (ins Sieve_Float:$input, Sieve_Float:$scale,
      Sieve_Index:$sorted_pairs, Sieve_Index:$offsets, Sieve_Float:$init,
      I64Attr:$k, Sieve_RowOrderAttr:$input_rows,
      Sieve_RowOrderAttr:$output_rows);
  let assemblyFormat = [{
    `ins` `(` $input `,` $scale `,` $sorted_pairs `,` $offsets `:`
    type($input) `,` type($scale) `,` type($sorted_pairs) `,` type($offsets)
    `)` `outs` `(` $init `:` type($init) `)` attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
}

def Sieve_EntropyRegGradOp : Sieve_PrimitiveOp<"entropy_reg_grad"> {
  let summary = "adjoint of the entropy regulariser (Eq. 20-21)";
  let description = [{
    With `y[n] = softmax(logits[n])`, `p = mean_n y[n]` over the N tokens
    and `L = weight * sum_e p[e] log p[e]` (`sieve.entropy_reg`):

        init[n, e] += grad_loss * weight / N *
                      y[n, e] * (log p[e] - sum_f y[n, f] log p[f])

    (the `+1` of `d(p log p)/dp` cancels because every `y[n]` sums to 1).
    `grad_loss` is the 0-d gradient of `L`; terms with `p[e] = 0` count 0.
  }];
  let arguments = (ins Sieve_Float:$logits, Sieve_Loss:$grad_loss,
      Sieve_Float:$init, F64Attr:$weight);
  let assemblyFormat = [{
    `ins` `(` $logits `,` $grad_loss `:` type($logits) `,` type($grad_loss)
    `)` `outs` `(` $init `:` type($init) `)` attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
}

def Sieve_SwitchRegGradOp : Sieve_PrimitiveOp<"switch_reg_grad"> {
  let summary = "adjoint of Switch's load-balancing loss (Eq. 15-17)";
  let description = [{
    The routed fractions `f` do not depend on the logits; through `p = mean_n
    softmax(logits[n])` the gradient of `L = weight * N_E * f . p`
    (`sieve.switch_reg`) is

        init[n, e] += grad_loss * weight * N_E / N *
                      y[n, e] * (f[e] - sum_g y[n, g] f[g])

    with `y[n] = softmax(logits[n])`, N tokens and `f[e]` the slots of
    `experts` routed to `e` divided by N.
  }];
  let arguments = (ins Sieve_Float:$logits, Sieve_Index:$experts,
      Sieve_Loss:$grad_loss, Sieve_Float:$init, F64Attr:$weight);
  let assemblyFormat = [{
    `ins` `(` $logits `,` $experts `,` $grad_loss `:` type($logits) `,`
    type($experts) `,` type($grad_loss) `)` `outs` `(` $init `:` type($init)
    `)` attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
}

#endif // SIEVE_ADJOINT_OPS_TD
