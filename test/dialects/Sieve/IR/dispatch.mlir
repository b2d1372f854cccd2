// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// CHECK-LABEL: func.func @top4_of_16
// CHECK: %{{.*}}, %{{.*}} = sieve.dispatch %{{.*}} {num_experts = 16 : i64} : (tensor<?x4xi32>) -> (tensor<?xi32>, tensor<17xi32>)
func.func @top4_of_16(%experts: tensor<?x4xi32>) -> (tensor<?xi32>, tensor<17xi32>) {
  %pairs, %offsets = sieve.dispatch %experts {num_experts = 16 : i64}
      : (tensor<?x4xi32>) -> (tensor<?xi32>, tensor<17xi32>)
  return %pairs, %offsets : tensor<?xi32>, tensor<17xi32>
}

// MoWE: one slot per token, 32768 experts in a bucket.
// CHECK-LABEL: func.func @word_experts
// CHECK: sieve.dispatch %{{.*}} {num_experts = 32768 : i64} : (tensor<512x1xi32>) -> (tensor<512xi32>, tensor<32769xi32>)
func.func @word_experts(%experts: tensor<512x1xi32>) -> (tensor<512xi32>, tensor<32769xi32>) {
  %pairs, %offsets = sieve.dispatch %experts {num_experts = 32768 : i64}
      : (tensor<512x1xi32>) -> (tensor<512xi32>, tensor<32769xi32>)
  return %pairs, %offsets : tensor<512xi32>, tensor<32769xi32>
}
