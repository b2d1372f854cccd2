// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// Four frequency buckets shaped like Tab. 7 (MoWE-Base 2B), scaled down:
// 16 unrouted ids, three buckets with one expert per id, one bucket sharing
// 8 experts of 4 blocks between 4096 rare ids.
// CHECK-LABEL: func.func @four_buckets
// CHECK: sieve.mowe_ffn %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {buckets = [#sieve.bucket<routing_ids = 4, blocks = 4, experts_per_block = 1, expert_size = 64>, #sieve.bucket<routing_ids = 4, blocks = 4, experts_per_block = 1, expert_size = 64>, #sieve.bucket<routing_ids = 8, blocks = 4, experts_per_block = 2, expert_size = 32>, #sieve.bucket<routing_ids = 4096, blocks = 4, experts_per_block = 2, expert_size = 8>], num_unrouted = 16 : i64, routing_vocab_size = 4128 : i64}
func.func @four_buckets(%x: tensor<?x32xf32>, %ids: tensor<?xi32>,
    %w1a: tensor<4x32x64xf32>, %w2a: tensor<4x64x32xf32>,
    %w1b: tensor<4x32x64xf32>, %w2b: tensor<4x64x32xf32>,
    %w1c: tensor<8x32x32xf32>, %w2c: tensor<8x32x32xf32>,
    %w1d: tensor<8x32x8xf32>, %w2d: tensor<8x8x32xf32>) -> tensor<?x32xf32> {
  %y = sieve.mowe_ffn %x, %ids, %w1a, %w2a, %w1b, %w2b, %w1c, %w2c, %w1d, %w2d {
      routing_vocab_size = 4128 : i64, num_unrouted = 16 : i64,
      buckets = [#sieve.bucket<routing_ids = 4, blocks = 4, experts_per_block = 1, expert_size = 64>,
                 #sieve.bucket<routing_ids = 4, blocks = 4, experts_per_block = 1, expert_size = 64>,
                 #sieve.bucket<routing_ids = 8, blocks = 4, experts_per_block = 2, expert_size = 32>,
                 #sieve.bucket<routing_ids = 4096, blocks = 4, experts_per_block = 2, expert_size = 8>]}
      : (tensor<?x32xf32>, tensor<?xi32>, tensor<4x32x64xf32>, tensor<4x64x32xf32>,
         tensor<4x32x64xf32>, tensor<4x64x32xf32>, tensor<8x32x32xf32>,
         tensor<8x32x32xf32>, tensor<8x32x8xf32>, tensor<8x8x32xf32>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}

// One bucket, every id routed (num_unrouted defaults to 0 and is not printed).
// CHECK-LABEL: func.func @single_bucket
// CHECK: sieve.mowe_ffn {{.*}} {buckets = [#sieve.bucket<routing_ids = 100, blocks = 2, experts_per_block = 5, expert_size = 16>], routing_vocab_size = 100 : i64} : (tensor<12x8xbf16>, tensor<12xi32>, tensor<10x8x16xbf16>, tensor<10x16x8xbf16>) -> tensor<12x8xbf16>
func.func @single_bucket(%x: tensor<12x8xbf16>, %ids: tensor<12xi32>,
                         %w1: tensor<10x8x16xbf16>, %w2: tensor<10x16x8xbf16>)
    -> tensor<12x8xbf16> {
  %y = sieve.mowe_ffn %x, %ids, %w1, %w2 {routing_vocab_size = 100 : i64,
      buckets = [#sieve.bucket<routing_ids = 100, blocks = 2, experts_per_block = 5, expert_size = 16>]}
      : (tensor<12x8xbf16>, tensor<12xi32>, tensor<10x8x16xbf16>, tensor<10x16x8xbf16>)
      -> tensor<12x8xbf16>
  return %y : tensor<12x8xbf16>
}
