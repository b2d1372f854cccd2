// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// CHECK-LABEL: func.func @switch
// CHECK: sieve.switch_reg_grad ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<?x1xi32>, tensor<f32>) outs(%{{.*}} : tensor<?x4xf32>) {weight = 1.000000e-02 : f64} -> tensor<?x4xf32>
func.func @switch(%z: tensor<?x4xf32>, %e: tensor<?x1xi32>, %dl: tensor<f32>, %init: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %d = sieve.switch_reg_grad ins(%z, %e, %dl : tensor<?x4xf32>, tensor<?x1xi32>, tensor<f32>) outs(%init : tensor<?x4xf32>) {weight = 1.0e-2 : f64} -> tensor<?x4xf32>
  return %d : tensor<?x4xf32>
}
