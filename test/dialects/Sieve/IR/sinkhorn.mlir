// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// CHECK-LABEL: func.func @three_iterations
// CHECK: sieve.sinkhorn %{{.*}} {iterations = 3 : i64} : (tensor<?x16xf32>) -> tensor<?x16xf32>
func.func @three_iterations(%logits: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %a = sieve.sinkhorn %logits {iterations = 3 : i64} : (tensor<?x16xf32>) -> tensor<?x16xf32>
  return %a : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @bf16
// CHECK: sieve.sinkhorn %{{.*}} {iterations = 1 : i64} : (tensor<32x4xbf16>) -> tensor<32x4xbf16>
func.func @bf16(%logits: tensor<32x4xbf16>) -> tensor<32x4xbf16> {
  %a = sieve.sinkhorn %logits {iterations = 1 : i64} : (tensor<32x4xbf16>) -> tensor<32x4xbf16>
  return %a : tensor<32x4xbf16>
}
