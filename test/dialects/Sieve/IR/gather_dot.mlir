// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// The PKM scores' gradient: 128 selected rows of a 3844-row value table.
// CHECK-LABEL: func.func @pkm_scores
// CHECK: sieve.gather_dot ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x512xf32>, tensor<?x128xi32>, tensor<3844x512xf32>) outs(%{{.*}} : tensor<?x128xf32>) -> tensor<?x128xf32>
func.func @pkm_scores(%dy: tensor<?x512xf32>, %i: tensor<?x128xi32>, %v: tensor<3844x512xf32>, %init: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %d = sieve.gather_dot ins(%dy, %i, %v : tensor<?x512xf32>, tensor<?x128xi32>, tensor<3844x512xf32>) outs(%init : tensor<?x128xf32>) -> tensor<?x128xf32>
  return %d : tensor<?x128xf32>
}
