// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// argtopk(u, K) of Eq. 6 over d_ff = 2053 channels.
// CHECK-LABEL: func.func @rows
// CHECK: %{{.*}}:2 = sieve.topk ins(%{{.*}} : tensor<?x2053xf32>) outs(%{{.*}}, %{{.*}} : tensor<?x128xf32>, tensor<?x128xi32>) {k = 128 : i64} -> tensor<?x128xf32>, tensor<?x128xi32>
func.func @rows(%u: tensor<?x2053xf32>, %vi: tensor<?x128xf32>, %ii: tensor<?x128xi32>) -> (tensor<?x128xf32>, tensor<?x128xi32>) {
  %v, %i = sieve.topk ins(%u : tensor<?x2053xf32>) outs(%vi, %ii : tensor<?x128xf32>, tensor<?x128xi32>) {k = 128 : i64} -> tensor<?x128xf32>, tensor<?x128xi32>
  return %v, %i : tensor<?x128xf32>, tensor<?x128xi32>
}

// Batch dimensions are kept; the last one is reduced.
// CHECK-LABEL: func.func @rank3
// CHECK: sieve.topk ins(%{{.*}} : tensor<4x3x8xf16>) outs({{.*}} : tensor<4x3x2xf16>, tensor<4x3x2xi32>) {k = 2 : i64}
func.func @rank3(%u: tensor<4x3x8xf16>, %vi: tensor<4x3x2xf16>, %ii: tensor<4x3x2xi32>) -> (tensor<4x3x2xf16>, tensor<4x3x2xi32>) {
  %v, %i = sieve.topk ins(%u : tensor<4x3x8xf16>) outs(%vi, %ii : tensor<4x3x2xf16>, tensor<4x3x2xi32>) {k = 2 : i64} -> tensor<4x3x2xf16>, tensor<4x3x2xi32>
  return %v, %i : tensor<4x3x2xf16>, tensor<4x3x2xi32>
}

// CHECK-LABEL: func.func @vector_on_buffers
// CHECK: sieve.topk ins(%{{.*}} : memref<5xbf16>) outs(%{{.*}}, %{{.*}} : memref<1xbf16>, memref<1xi32>) {k = 1 : i64}
func.func @vector_on_buffers(%u: memref<5xbf16>, %vi: memref<1xbf16>, %ii: memref<1xi32>) {
  sieve.topk ins(%u : memref<5xbf16>) outs(%vi, %ii : memref<1xbf16>, memref<1xi32>) {k = 1 : i64}
  return
}
