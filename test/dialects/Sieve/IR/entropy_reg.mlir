// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// CHECK-LABEL: func.func @gamma
// CHECK: sieve.entropy_reg ins(%{{.*}} : tensor<?x16xf32>) outs(%{{.*}} : tensor<f32>) {weight = 1.000000e-03 : f64} -> tensor<f32>
func.func @gamma(%logits: tensor<?x16xf32>, %init: tensor<f32>) -> tensor<f32> {
  %l = sieve.entropy_reg ins(%logits : tensor<?x16xf32>) outs(%init : tensor<f32>) {weight = 0.001} -> tensor<f32>
  return %l : tensor<f32>
}

// The loss is f32 whatever the logits are.
// CHECK-LABEL: func.func @bf16_logits_on_buffers
// CHECK: sieve.entropy_reg ins(%{{.*}} : memref<8x4xbf16>) outs(%{{.*}} : memref<f32>) {weight = 0.000000e+00 : f64}
func.func @bf16_logits_on_buffers(%logits: memref<8x4xbf16>, %init: memref<f32>) {
  sieve.entropy_reg ins(%logits : memref<8x4xbf16>) outs(%init : memref<f32>) {weight = 0.0}
  return
}
