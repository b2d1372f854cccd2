// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// CHECK-LABEL: func.func @gamma
// CHECK: sieve.entropy_reg %{{.*}} {weight = 1.000000e-03 : f64} : (tensor<?x16xf32>) -> tensor<f32>
func.func @gamma(%logits: tensor<?x16xf32>) -> tensor<f32> {
  %l = sieve.entropy_reg %logits {weight = 0.001} : (tensor<?x16xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// The loss is f32 whatever the logits are.
// CHECK-LABEL: func.func @bf16_logits
// CHECK: sieve.entropy_reg %{{.*}} {weight = 0.000000e+00 : f64} : (tensor<8x4xbf16>) -> tensor<f32>
func.func @bf16_logits(%logits: tensor<8x4xbf16>) -> tensor<f32> {
  %l = sieve.entropy_reg %logits {weight = 0.0} : (tensor<8x4xbf16>) -> tensor<f32>
  return %l : tensor<f32>
}
