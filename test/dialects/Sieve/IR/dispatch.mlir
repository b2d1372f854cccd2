// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// CHECK-LABEL: func.func @top4_of_16
// CHECK: %{{.*}}:2 = sieve.dispatch ins(%{{.*}} : tensor<?x4xi32>) outs(%{{.*}}, %{{.*}} : tensor<?xi32>, tensor<17xi32>) {num_experts = 16 : i64} -> tensor<?xi32>, tensor<17xi32>
func.func @top4_of_16(%experts: tensor<?x4xi32>, %pi: tensor<?xi32>, %oi: tensor<17xi32>) -> (tensor<?xi32>, tensor<17xi32>) {
  %pairs, %offsets = sieve.dispatch ins(%experts : tensor<?x4xi32>) outs(%pi, %oi : tensor<?xi32>, tensor<17xi32>)
      {num_experts = 16 : i64} -> tensor<?xi32>, tensor<17xi32>
  return %pairs, %offsets : tensor<?xi32>, tensor<17xi32>
}

// MoWE: one slot per token, 32768 experts in a bucket, on buffers.
// CHECK-LABEL: func.func @word_experts
// CHECK: sieve.dispatch ins(%{{.*}} : memref<512x1xi32>) outs(%{{.*}}, %{{.*}} : memref<512xi32>, memref<32769xi32>) {num_experts = 32768 : i64}
func.func @word_experts(%experts: memref<512x1xi32>, %pi: memref<512xi32>, %oi: memref<32769xi32>) {
  sieve.dispatch ins(%experts : memref<512x1xi32>) outs(%pi, %oi : memref<512xi32>, memref<32769xi32>) {num_experts = 32768 : i64}
  return
}
