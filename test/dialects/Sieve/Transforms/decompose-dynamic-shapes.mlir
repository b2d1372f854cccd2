// Every layer op decomposes when all its sizes are dynamic; the result verifies.
// RUN: sieve-opt %s --sieve-decompose | FileCheck %s

// CHECK-NOT: sieve.{{[a-z]+}}_ffn
// CHECK-LABEL: func.func @dense
// CHECK-COUNT-2: linalg.matmul {{.*}} -> tensor<?x?xf32>
// CHECK-LABEL: func.func @topk
// CHECK: sieve.topk {{.*}} -> tensor<?x3xf32>, tensor<?x3xi32>
// CHECK-LABEL: func.func @pkm
// CHECK: arith.divui
// CHECK: sieve.product_key_topk {{.*}} -> tensor<?x2x3xf32>, tensor<?x2x3xi32>
// CHECK-LABEL: func.func @moe
// CHECK: sieve.bernoulli_mask {{.*}} -> tensor<?x4xi1>
// CHECK: sieve.cvmm {{.*}} -> tensor<?x?xf32>
// CHECK-LABEL: func.func @mowe
// CHECK: sieve.word_route

func.func @dense(%x: tensor<?x?xf32>, %w1: tensor<?x?xf32>, %w2: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %y = sieve.dense_ffn %x, %w1, %w2 : (tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
func.func @topk(%x: tensor<?x?xf32>, %w1: tensor<?x?xf32>, %w2: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %y = sieve.topk_ffn %x, %w1, %w2 {k = 3 : i64} : (tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
func.func @pkm(%x: tensor<?x?xf32>, %ka: tensor<?x?x?xf32>, %kb: tensor<?x?x?xf32>, %v: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 6 : i64, heads = 2 : i64, k = 3 : i64, activation = #sieve.pkm_activation<softmax>} : (tensor<?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
func.func @moe(%x: tensor<?x?xf32>, %w1: tensor<?x?x?xf32>, %w2: tensor<?x?x?xf32>, %w3: tensor<?x?xf32>, %s: i64) -> (tensor<?x?xf32>, tensor<f32>) {
  %y, %r = sieve.moe_ffn %x, %w1, %w2, %w3 seed(%s) {num_experts = 4 : i64, expert_size = 2 : i64, k = 2 : i64, selection_activation = #sieve.selection_activation<sigmoid>, selection = #sieve.selection<sinkhorn>, expert_dropout = 0.1, regularizer = #sieve.regularizer<switch>, regularizer_weight = 0.1, train} : (tensor<?x?xf32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x?xf32>, i64) -> (tensor<?x?xf32>, tensor<f32>)
  return %y, %r : tensor<?x?xf32>, tensor<f32>
}
func.func @mowe(%x: tensor<?x?xf32>, %ids: tensor<?xi32>, %w1: tensor<?x?x?xf32>, %w2: tensor<?x?x?xf32>) -> tensor<?x?xf32> {
  %y = sieve.mowe_ffn %x, %ids, %w1, %w2 {routing_vocab_size = 10 : i64, buckets = [#sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = 2, expert_size = 4>]} : (tensor<?x?xf32>, tensor<?xi32>, tensor<?x?x?xf32>, tensor<?x?x?xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
