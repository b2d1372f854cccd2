// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// The PKM values' gradient.
// CHECK-LABEL: func.func @pkm_values
// CHECK: sieve.scatter_sum ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x128xf32>, tensor<?x128xi32>, tensor<?x512xf32>) outs(%{{.*}} : tensor<3844x512xf32>) -> tensor<3844x512xf32>
func.func @pkm_values(%w: tensor<?x128xf32>, %i: tensor<?x128xi32>, %dy: tensor<?x512xf32>, %init: tensor<3844x512xf32>) -> tensor<3844x512xf32> {
  %d = sieve.scatter_sum ins(%w, %i, %dy : tensor<?x128xf32>, tensor<?x128xi32>, tensor<?x512xf32>) outs(%init : tensor<3844x512xf32>) -> tensor<3844x512xf32>
  return %d : tensor<3844x512xf32>
}
