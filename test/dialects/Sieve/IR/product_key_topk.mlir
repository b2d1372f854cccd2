// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// Eq. 8 with 4 heads, 62 sub-keys per half, top-32.
// CHECK-LABEL: func.func @four_heads
// CHECK: %{{.*}}, %{{.*}} = sieve.product_key_topk %{{.*}}, %{{.*}} {k = 32 : i64} : (tensor<?x4x62xf32>, tensor<?x4x62xf32>) -> (tensor<?x4x32xf32>, tensor<?x4x32xi32>)
func.func @four_heads(%ua: tensor<?x4x62xf32>, %ub: tensor<?x4x62xf32>)
    -> (tensor<?x4x32xf32>, tensor<?x4x32xi32>) {
  %s, %i = sieve.product_key_topk %ua, %ub {k = 32 : i64}
      : (tensor<?x4x62xf32>, tensor<?x4x62xf32>) -> (tensor<?x4x32xf32>, tensor<?x4x32xi32>)
  return %s, %i : tensor<?x4x32xf32>, tensor<?x4x32xi32>
}
