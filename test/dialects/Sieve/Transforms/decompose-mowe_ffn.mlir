// RUN: sieve-opt %s --sieve-decompose | FileCheck %s

// MoWE: word routing, then per bucket a top-1 dispatch and two CVMMs around
// a ReLU; the buckets' outputs are summed.
// CHECK-LABEL: func.func @two_buckets
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[IDS:.*]]: tensor<?xi32>, %[[W1A:.*]]: tensor<4x8x16xf32>, %[[W2A:.*]]: tensor<4x16x8xf32>, %[[W1B:.*]]: tensor<8x8x4xf32>, %[[W2B:.*]]: tensor<8x4x8xf32>)
// CHECK: %[[R:.*]]:2 = sieve.word_route ins(%[[IDS]] : tensor<?xi32>) outs(%{{.*}}, %{{.*}} : tensor<?x1xi32>, tensor<?x1xi32>) {buckets = [{{.*}}], num_unrouted = 2 : i64}
// CHECK: %[[DA:.*]]:2 = sieve.dispatch ins(%[[R]]#0 : tensor<?x1xi32>) outs(%{{.*}}, %{{.*}} : tensor<?xi32>, tensor<5xi32>) {num_experts = 4 : i64}
// CHECK: %[[UA:.*]] = sieve.cvmm ins(%[[X]], %[[W1A]], %[[DA]]#0, %[[DA]]#1 : {{.*}}) outs(%{{.*}} : tensor<?x16xf32>) {input_rows = #sieve.rows<token>, k = 1 : i64, output_rows = #sieve.rows<sorted>}
// CHECK: %[[ZERO:.*]] = linalg.fill {{.*}} -> tensor<?x8xf32>
// CHECK: %[[HA:.*]] = linalg.generic {{.*}} ins(%[[UA]]
// CHECK: %[[YA:.*]] = sieve.cvmm ins(%[[HA]], %[[W2A]], %[[DA]]#0, %[[DA]]#1 : {{.*}}) outs(%[[ZERO]] : tensor<?x8xf32>) {input_rows = #sieve.rows<sorted>, k = 1 : i64, output_rows = #sieve.rows<token>}
// CHECK: %[[DB:.*]]:2 = sieve.dispatch ins(%[[R]]#1 : tensor<?x1xi32>) outs(%{{.*}}, %{{.*}} : tensor<?xi32>, tensor<9xi32>) {num_experts = 8 : i64}
// CHECK: %[[UB:.*]] = sieve.cvmm ins(%[[X]], %[[W1B]], %[[DB]]#0, %[[DB]]#1
// CHECK: %[[HB:.*]] = linalg.generic {{.*}} ins(%[[UB]]
// The second bucket accumulates into the first bucket's output.
// CHECK: %[[Y:.*]] = sieve.cvmm ins(%[[HB]], %[[W2B]], %[[DB]]#0, %[[DB]]#1 : {{.*}}) outs(%[[YA]] : tensor<?x8xf32>)
// CHECK: return %[[Y]]
func.func @two_buckets(%x: tensor<?x8xf32>, %ids: tensor<?xi32>,
                       %w1a: tensor<4x8x16xf32>, %w2a: tensor<4x16x8xf32>,
                       %w1b: tensor<8x8x4xf32>, %w2b: tensor<8x4x8xf32>) -> tensor<?x8xf32> {
  %y = sieve.mowe_ffn %x, %ids, %w1a, %w2a, %w1b, %w2b {routing_vocab_size = 106 : i64,
      num_unrouted = 2 : i64,
      buckets = [#sieve.bucket<routing_ids = 4, blocks = 4, experts_per_block = 1, expert_size = 16>,
                 #sieve.bucket<routing_ids = 100, blocks = 2, experts_per_block = 4, expert_size = 4>]}
      : (tensor<?x8xf32>, tensor<?xi32>, tensor<4x8x16xf32>, tensor<4x16x8xf32>,
         tensor<8x8x4xf32>, tensor<8x4x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// A single bucket.
// CHECK-LABEL: func.func @one_bucket
// CHECK: sieve.word_route
// CHECK: sieve.dispatch ins(%{{.*}} : tensor<6x1xi32>) outs(%{{.*}}, %{{.*}} : tensor<6xi32>, tensor<3xi32>)
// CHECK-COUNT-2: sieve.cvmm
// CHECK-NOT: sieve.mowe_ffn
func.func @one_bucket(%x: tensor<6x8xf16>, %ids: tensor<6xi32>,
                      %w1: tensor<2x8x4xf16>, %w2: tensor<2x4x8xf16>) -> tensor<6x8xf16> {
  %y = sieve.mowe_ffn %x, %ids, %w1, %w2 {routing_vocab_size = 10 : i64,
      buckets = [#sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = 2, expert_size = 4>]}
      : (tensor<6x8xf16>, tensor<6xi32>, tensor<2x8x4xf16>, tensor<2x4x8xf16>) -> tensor<6x8xf16>
  return %y : tensor<6x8xf16>
}
