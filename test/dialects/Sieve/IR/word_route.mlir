// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// CHECK-LABEL: func.func @two_buckets
// CHECK: %{{.*}}:2 = sieve.word_route ins(%{{.*}} : tensor<?xi32>) outs(%{{.*}}, %{{.*}} : tensor<?x1xi32>, tensor<?x1xi32>) {buckets = [#sieve.bucket<routing_ids = 64, blocks = 16, experts_per_block = 4, expert_size = 256>, #sieve.bucket<routing_ids = 16384, blocks = 16, experts_per_block = 64, expert_size = 16>], num_unrouted = 16 : i64} -> tensor<?x1xi32>, tensor<?x1xi32>
func.func @two_buckets(%ids: tensor<?xi32>, %a: tensor<?x1xi32>, %b: tensor<?x1xi32>) -> (tensor<?x1xi32>, tensor<?x1xi32>) {
  %ea, %eb = sieve.word_route ins(%ids : tensor<?xi32>) outs(%a, %b : tensor<?x1xi32>, tensor<?x1xi32>) {num_unrouted = 16 : i64,
      buckets = [#sieve.bucket<routing_ids = 64, blocks = 16, experts_per_block = 4, expert_size = 256>,
                 #sieve.bucket<routing_ids = 16384, blocks = 16, experts_per_block = 64, expert_size = 16>]}
      -> tensor<?x1xi32>, tensor<?x1xi32>
  return %ea, %eb : tensor<?x1xi32>, tensor<?x1xi32>
}

// CHECK-LABEL: func.func @on_buffers
// CHECK: sieve.word_route ins(%{{.*}} : memref<8xi32>) outs(%{{.*}} : memref<8x1xi32>)
func.func @on_buffers(%ids: memref<8xi32>, %a: memref<8x1xi32>) {
  sieve.word_route ins(%ids : memref<8xi32>) outs(%a : memref<8x1xi32>) {buckets = [#sieve.bucket<routing_ids = 4, blocks = 1, experts_per_block = 4, expert_size = 8>]}
  return
}
