// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// argtopk(u, K) of Eq. 6 over d_ff = 2053 channels.
// CHECK-LABEL: func.func @rows
// CHECK: %{{.*}}, %{{.*}} = sieve.topk %{{.*}} {k = 128 : i64} : (tensor<?x2053xf32>) -> (tensor<?x128xf32>, tensor<?x128xi32>)
func.func @rows(%u: tensor<?x2053xf32>) -> (tensor<?x128xf32>, tensor<?x128xi32>) {
  %v, %i = sieve.topk %u {k = 128 : i64} : (tensor<?x2053xf32>) -> (tensor<?x128xf32>, tensor<?x128xi32>)
  return %v, %i : tensor<?x128xf32>, tensor<?x128xi32>
}

// Batch dimensions are kept; the last one is reduced.
// CHECK-LABEL: func.func @rank3
// CHECK: sieve.topk %{{.*}} {k = 2 : i64} : (tensor<4x3x8xf16>) -> (tensor<4x3x2xf16>, tensor<4x3x2xi32>)
func.func @rank3(%u: tensor<4x3x8xf16>) -> (tensor<4x3x2xf16>, tensor<4x3x2xi32>) {
  %v, %i = sieve.topk %u {k = 2 : i64} : (tensor<4x3x8xf16>) -> (tensor<4x3x2xf16>, tensor<4x3x2xi32>)
  return %v, %i : tensor<4x3x2xf16>, tensor<4x3x2xi32>
}

// CHECK-LABEL: func.func @vector
// CHECK: sieve.topk %{{.*}} {k = 1 : i64} : (tensor<5xbf16>) -> (tensor<1xbf16>, tensor<1xi32>)
func.func @vector(%u: tensor<5xbf16>) -> (tensor<1xbf16>, tensor<1xi32>) {
  %v, %i = sieve.topk %u {k = 1 : i64} : (tensor<5xbf16>) -> (tensor<1xbf16>, tensor<1xi32>)
  return %v, %i : tensor<1xbf16>, tensor<1xi32>
}
