// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// The hidden rows' gradient of σ-MoE: the unscaled gradient times the gates.
// CHECK-LABEL: func.func @hidden
// CHECK: sieve.scale_rows ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x128xf32>, tensor<?x4xf32>, tensor<?xi32>, tensor<17xi32>) outs(%{{.*}} : tensor<?x128xf32>) {input_rows = #sieve.rows<sorted>, k = 4 : i64, output_rows = #sieve.rows<sorted>} -> tensor<?x128xf32>
func.func @hidden(%g: tensor<?x128xf32>, %s: tensor<?x4xf32>, %p: tensor<?xi32>, %o: tensor<17xi32>, %init: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %d = sieve.scale_rows ins(%g, %s, %p, %o : tensor<?x128xf32>, tensor<?x4xf32>, tensor<?xi32>, tensor<17xi32>) outs(%init : tensor<?x128xf32>) {k = 4 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<sorted>} -> tensor<?x128xf32>
  return %d : tensor<?x128xf32>
}

// Sorted rows summed into their tokens.
// CHECK-LABEL: func.func @to_tokens
// CHECK: sieve.scale_rows ins({{.*}}) outs(%{{.*}} : memref<4x16xf32>) {input_rows = #sieve.rows<sorted>, k = 2 : i64, output_rows = #sieve.rows<token>}
func.func @to_tokens(%g: memref<8x16xf32>, %s: memref<4x2xf32>, %p: memref<8xi32>, %o: memref<5xi32>, %init: memref<4x16xf32>) {
  sieve.scale_rows ins(%g, %s, %p, %o : memref<8x16xf32>, memref<4x2xf32>, memref<8xi32>, memref<5xi32>) outs(%init : memref<4x16xf32>) {k = 2 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>}
  return
}
