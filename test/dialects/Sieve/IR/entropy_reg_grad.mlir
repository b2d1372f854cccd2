// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// CHECK-LABEL: func.func @entropy
// CHECK: sieve.entropy_reg_grad ins(%{{.*}}, %{{.*}} : tensor<?x16xf32>, tensor<f32>) outs(%{{.*}} : tensor<?x16xf32>) {weight = 1.000000e-04 : f64} -> tensor<?x16xf32>
func.func @entropy(%z: tensor<?x16xf32>, %dl: tensor<f32>, %init: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %d = sieve.entropy_reg_grad ins(%z, %dl : tensor<?x16xf32>, tensor<f32>) outs(%init : tensor<?x16xf32>) {weight = 1.0e-4 : f64} -> tensor<?x16xf32>
  return %d : tensor<?x16xf32>
}
