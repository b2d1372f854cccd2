// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// Switch's γ = 0.01 (App. B).
// CHECK-LABEL: func.func @top1
// CHECK: sieve.switch_reg ins(%{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<?x1xi32>) outs(%{{.*}} : tensor<f32>) {weight = 1.000000e-02 : f64} -> tensor<f32>
func.func @top1(%logits: tensor<?x4xf32>, %experts: tensor<?x1xi32>, %init: tensor<f32>) -> tensor<f32> {
  %l = sieve.switch_reg ins(%logits, %experts : tensor<?x4xf32>, tensor<?x1xi32>) outs(%init : tensor<f32>) {weight = 0.01} -> tensor<f32>
  return %l : tensor<f32>
}
