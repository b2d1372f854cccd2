// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// CHECK-LABEL: func.func @two_buckets
// CHECK: %{{.*}}:2 = sieve.word_route %{{.*}} {buckets = [#sieve.bucket<routing_ids = 64, blocks = 16, experts_per_block = 4, expert_size = 256>, #sieve.bucket<routing_ids = 16384, blocks = 16, experts_per_block = 64, expert_size = 16>], num_unrouted = 16 : i64} : (tensor<?xi32>) -> (tensor<?x1xi32>, tensor<?x1xi32>)
func.func @two_buckets(%ids: tensor<?xi32>) -> (tensor<?x1xi32>, tensor<?x1xi32>) {
  %a, %b = sieve.word_route %ids {num_unrouted = 16 : i64,
      buckets = [#sieve.bucket<routing_ids = 64, blocks = 16, experts_per_block = 4, expert_size = 256>,
                 #sieve.bucket<routing_ids = 16384, blocks = 16, experts_per_block = 64, expert_size = 16>]}
      : (tensor<?xi32>) -> (tensor<?x1xi32>, tensor<?x1xi32>)
  return %a, %b : tensor<?x1xi32>, tensor<?x1xi32>
}
