// RUN: sieve-opt %s --sieve-decompose | FileCheck %s

// MoWE: word routing, then per bucket a top-1 dispatch and two CVMMs around
// a ReLU; the buckets' outputs are summed.
// CHECK-LABEL: func.func @two_buckets
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[IDS:.*]]: tensor<?xi32>, %[[W1A:.*]]: tensor<4x8x16xf32>, %[[W2A:.*]]: tensor<4x16x8xf32>, %[[W1B:.*]]: tensor<8x8x4xf32>, %[[W2B:.*]]: tensor<8x4x8xf32>)
// CHECK: %[[R:.*]]:2 = sieve.word_route %[[IDS]] {buckets = [{{.*}}], num_unrouted = 2 : i64} : (tensor<?xi32>) -> (tensor<?x1xi32>, tensor<?x1xi32>)
// CHECK: %[[PA:.*]], %[[OA:.*]] = sieve.dispatch %[[R]]#0 {num_experts = 4 : i64} : (tensor<?x1xi32>) -> (tensor<?xi32>, tensor<5xi32>)
// CHECK: %[[UA:.*]] = sieve.cvmm %[[X]], %[[W1A]], %[[PA]], %[[OA]] {input_rows = #sieve.rows<token>, k = 1 : i64, output_rows = #sieve.rows<sorted>} {{.*}} -> tensor<?x16xf32>
// CHECK: %[[HA:.*]] = linalg.generic {{.*}} ins(%[[UA]]
// CHECK: %[[YA:.*]] = sieve.cvmm %[[HA]], %[[W2A]], %[[PA]], %[[OA]] {input_rows = #sieve.rows<sorted>, k = 1 : i64, output_rows = #sieve.rows<token>} {{.*}} -> tensor<?x8xf32>
// CHECK: %[[PB:.*]], %[[OB:.*]] = sieve.dispatch %[[R]]#1 {num_experts = 8 : i64} : (tensor<?x1xi32>) -> (tensor<?xi32>, tensor<9xi32>)
// CHECK: %[[UB:.*]] = sieve.cvmm %[[X]], %[[W1B]], %[[PB]], %[[OB]]
// CHECK: %[[HB:.*]] = linalg.generic {{.*}} ins(%[[UB]]
// CHECK: %[[YB:.*]] = sieve.cvmm %[[HB]], %[[W2B]], %[[PB]], %[[OB]]
// CHECK: %[[Y:.*]] = linalg.add ins(%[[YA]], %[[YB]] : tensor<?x8xf32>, tensor<?x8xf32>)
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

// A single bucket needs no sum.
// CHECK-LABEL: func.func @one_bucket
// CHECK: sieve.word_route
// CHECK: sieve.dispatch {{.*}} : (tensor<6x1xi32>) -> (tensor<6xi32>, tensor<3xi32>)
// CHECK-NOT: linalg.add
// CHECK-NOT: sieve.mowe_ffn
func.func @one_bucket(%x: tensor<6x8xf16>, %ids: tensor<6xi32>,
                      %w1: tensor<2x8x4xf16>, %w2: tensor<2x4x8xf16>) -> tensor<6x8xf16> {
  %y = sieve.mowe_ffn %x, %ids, %w1, %w2 {routing_vocab_size = 10 : i64,
      buckets = [#sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = 2, expert_size = 4>]}
      : (tensor<6x8xf16>, tensor<6xi32>, tensor<2x8x4xf16>, tensor<2x4x8xf16>) -> tensor<6x8xf16>
  return %y : tensor<6x8xf16>
}
