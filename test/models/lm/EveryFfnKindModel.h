//===- EveryFfnKindModel.h - a tiny model with every feed-forward kind ----===//
//
// Six layers, one feed-forward block of each kind (σ-MoE, PKM, top-K,
// dense, Switch, S-BASE), dropout and expert dropout on: the model the
// mixed-precision and device-program tests train.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_TEST_MODELS_LM_EVERYFFNKINDMODEL_H
#define SIEVE_TEST_MODELS_LM_EVERYFFNKINDMODEL_H

namespace sieve::test {

inline const char *kEveryFfnKindModel = R"(
name: tiny-every-ffn-kind
tokenizer: {kind: bytes}
model:
  d_model: 32
  layers: 6
  heads: 2
  head_size: 16
  context: 8
  memory: 8
  dropout: 0.1
  ffn: {kind: moe, experts: 6, expert_size: 16, k: 2, expert_dropout: 0.1,
        regularizer: entropy, regularizer_weight: 0.01}
  ffn_overrides:
    - layers: [1]
      ffn: {kind: pkm, subkeys: 6, heads: 2, k: 4, activation: relu}
    - layers: [2]
      ffn: {kind: topk, d_ff: 48, k: 8}
    - layers: [3]
      ffn: {kind: dense, d_ff: 48}
    - layers: [4]
      ffn: {kind: moe, experts: 4, expert_size: 16, k: 1,
            activation: softmax, selection: topk, regularizer: switch,
            regularizer_weight: 0.01}
    - layers: [5]
      ffn: {kind: moe, experts: 4, expert_size: 16, k: 2,
            selection: sinkhorn}
training: {batch_size: 3}
)";

} // namespace sieve::test

#endif // SIEVE_TEST_MODELS_LM_EVERYFFNKINDMODEL_H
