// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// Eq. 8 with 4 heads, 62 sub-keys per half, top-32.
// CHECK-LABEL: func.func @four_heads
// CHECK: %{{.*}}:2 = sieve.product_key_topk ins(%{{.*}}, %{{.*}} : tensor<?x4x62xf32>, tensor<?x4x62xf32>) outs(%{{.*}}, %{{.*}} : tensor<?x4x32xf32>, tensor<?x4x32xi32>) {k = 32 : i64} -> tensor<?x4x32xf32>, tensor<?x4x32xi32>
func.func @four_heads(%ua: tensor<?x4x62xf32>, %ub: tensor<?x4x62xf32>, %si: tensor<?x4x32xf32>, %ii: tensor<?x4x32xi32>)
    -> (tensor<?x4x32xf32>, tensor<?x4x32xi32>) {
  %s, %i = sieve.product_key_topk ins(%ua, %ub : tensor<?x4x62xf32>, tensor<?x4x62xf32>)
      outs(%si, %ii : tensor<?x4x32xf32>, tensor<?x4x32xi32>) {k = 32 : i64} -> tensor<?x4x32xf32>, tensor<?x4x32xi32>
  return %s, %i : tensor<?x4x32xf32>, tensor<?x4x32xi32>
}

// CHECK-LABEL: func.func @on_buffers
// CHECK: sieve.product_key_topk ins({{.*}}) outs(%{{.*}}, %{{.*}} : memref<8x1x2xf32>, memref<8x1x2xi32>) {k = 2 : i64}
func.func @on_buffers(%ua: memref<8x1x4xf32>, %ub: memref<8x1x4xf32>, %si: memref<8x1x2xf32>, %ii: memref<8x1x2xi32>) {
  sieve.product_key_topk ins(%ua, %ub : memref<8x1x4xf32>, memref<8x1x4xf32>) outs(%si, %ii : memref<8x1x2xf32>, memref<8x1x2xi32>) {k = 2 : i64}
  return
}
