// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// σ-MoE's gate gradient: the hidden rows (sorted) against the gradient of
// the unscaled down-projection (sorted).
// CHECK-LABEL: func.func @gates
// CHECK: sieve.pair_dot ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x128xf32>, tensor<?x128xf32>, tensor<?xi32>, tensor<17xi32>) outs(%{{.*}} : tensor<?x4xf32>) {k = 4 : i64, lhs_rows = #sieve.rows<sorted>, rhs_rows = #sieve.rows<sorted>} -> tensor<?x4xf32>
func.func @gates(%h: tensor<?x128xf32>, %g: tensor<?x128xf32>, %p: tensor<?xi32>, %o: tensor<17xi32>, %init: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %d = sieve.pair_dot ins(%h, %g, %p, %o : tensor<?x128xf32>, tensor<?x128xf32>, tensor<?xi32>, tensor<17xi32>) outs(%init : tensor<?x4xf32>) {k = 4 : i64, lhs_rows = #sieve.rows<sorted>, rhs_rows = #sieve.rows<sorted>} -> tensor<?x4xf32>
  return %d : tensor<?x4xf32>
}
