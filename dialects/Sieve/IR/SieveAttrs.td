//===- SieveAttrs.td - enums and attributes of the sieve dialect ----------===//

#ifndef SIEVE_ATTRS_TD
#define SIEVE_ATTRS_TD

include "dialects/Sieve/IR/SieveBase.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Sieve_SelectionActivation : I32EnumAttr<"SelectionActivation",
    "activation of the expert scores W3 x", [
      // σ-MoE, Eq. 18/22: independent sigmoid gates, no competition.
      I32EnumAttrCase<"Sigmoid", 0, "sigmoid">,
      // Switch Transformer, Sec. 4: softmax, then top-K, no renormalisation.
      I32EnumAttrCase<"Softmax", 1, "softmax">,
      // Sparsely gated MoE: softmax renormalised after top-K (App. A.1,
      // Eq. 23-25), i.e. softmax over the selected logits only.
      I32EnumAttrCase<"SoftmaxRenorm", 2, "softmax_renorm">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::sieve";
}
def Sieve_SelectionActivationAttr
    : EnumAttr<Sieve_Dialect, Sieve_SelectionActivation, "selection_activation"> {
  let assemblyFormat = "`<` $value `>`";
}

def Sieve_ExpertSelection : I32EnumAttr<"ExpertSelection",
    "how the K experts of a token are chosen", [
      // E_x = argtopk(s, K) (Eq. 11).
      I32EnumAttrCase<"TopK", 0, "topk">,
      // S-BASE (Sec. 4, Eq. 19): in training, top-K of the Sinkhorn-balanced
      // assignment; in evaluation, top-K of s.
      I32EnumAttrCase<"Sinkhorn", 1, "sinkhorn">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::sieve";
}
def Sieve_ExpertSelectionAttr
    : EnumAttr<Sieve_Dialect, Sieve_ExpertSelection, "selection"> {
  let assemblyFormat = "`<` $value `>`";
}

def Sieve_Regularizer : I32EnumAttr<"Regularizer",
    "load-balancing regulariser on the expert scores", [
      I32EnumAttrCase<"None", 0, "none">,
      // σ-MoE, Eq. 20-21: L = sum_e p[e] log p[e], p = batch mean of softmax.
      I32EnumAttrCase<"Entropy", 1, "entropy">,
      // Switch Transformer, Eq. 15-17: L = N_E f . p.
      I32EnumAttrCase<"Switch", 2, "switch">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::sieve";
}
def Sieve_RegularizerAttr
    : EnumAttr<Sieve_Dialect, Sieve_Regularizer, "regularizer"> {
  let assemblyFormat = "`<` $value `>`";
}

def Sieve_PkmActivation : I32EnumAttr<"PkmActivation",
    "activation of the K selected product-key scores", [
      // Sec. 6.2: the non-competitive activation that works better.
      I32EnumAttrCase<"ReLU", 0, "relu">,
      // Lample et al. (2019), the original PKM.
      I32EnumAttrCase<"Softmax", 1, "softmax">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::sieve";
}
def Sieve_PkmActivationAttr
    : EnumAttr<Sieve_Dialect, Sieve_PkmActivation, "pkm_activation"> {
  let assemblyFormat = "`<` $value `>`";
}

def Sieve_RowOrder : I32EnumAttr<"RowOrder",
    "how the rows of a CVMM operand are addressed", [
      // One row per token; pair p = token * k + slot reads row p / k.
      I32EnumAttrCase<"Token", 0, "token">,
      // One row per (token, slot) pair, in the order `sieve.dispatch` sorted
      // them by expert.
      I32EnumAttrCase<"Sorted", 1, "sorted">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::sieve";
}
def Sieve_RowOrderAttr : EnumAttr<Sieve_Dialect, Sieve_RowOrder, "rows"> {
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// MoWE frequency bucket
//===----------------------------------------------------------------------===//

def Sieve_BucketAttr : Sieve_Attr<"Bucket", "bucket"> {
  let summary = "a MoWE frequency bucket: routing ids, expert blocks, expert size";
  let description = [{
    One frequency bucket of a MoWE layer (MoWE paper, Sec. 2.3 and Tab. 6/7).
    The bucket covers `routing_ids` consecutive routing ids (ids are ordered
    by corpus frequency, so a bucket holds ids of similar frequency). Its
    experts are grouped into `blocks` expert blocks of `experts_per_block`
    experts each; every expert of the bucket is an MLP
    `d_model -> expert_size -> d_model`. A bucket with fewer experts than
    routing ids shares each expert between several ids.

    Example: `#sieve.bucket<routing_ids = 880, blocks = 128,
    experts_per_block = 7, expert_size = 2048>` (bucket 2 of Tab. 6).
  }];
  let parameters = (ins "int64_t":$routing_ids, "int64_t":$blocks,
                        "int64_t":$experts_per_block, "int64_t":$expert_size);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Number of experts of the bucket: blocks x experts_per_block.
    int64_t getNumExperts() const {
      return getBlocks() * getExpertsPerBlock();
    }
  }];
}

#endif // SIEVE_ATTRS_TD
