// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// The σ-MoE up-projection: token rows gathered into sorted pairs (K = 4),
// accumulated into the init.
// CHECK-LABEL: func.func @gather_up_projection
// CHECK: sieve.cvmm ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x512xf32>, tensor<16x512x128xf32>, tensor<?xi32>, tensor<17xi32>) outs(%{{.*}} : tensor<?x128xf32>) {input_rows = #sieve.rows<token>, k = 4 : i64, output_rows = #sieve.rows<sorted>} -> tensor<?x128xf32>
func.func @gather_up_projection(%x: tensor<?x512xf32>, %w1: tensor<16x512x128xf32>,
                                %pairs: tensor<?xi32>, %offsets: tensor<17xi32>,
                                %init: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %u = sieve.cvmm ins(%x, %w1, %pairs, %offsets : tensor<?x512xf32>, tensor<16x512x128xf32>, tensor<?xi32>, tensor<17xi32>)
      outs(%init : tensor<?x128xf32>)
      {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} -> tensor<?x128xf32>
  return %u : tensor<?x128xf32>
}

// The down-projection: sorted pairs scaled by the gates, combined per token.
// CHECK-LABEL: func.func @combine_down_projection
// CHECK: sieve.cvmm ins({{.*}} : tensor<32x128xbf16>, tensor<16x128x512xbf16>, tensor<32xi32>, tensor<17xi32>) scale(%{{.*}} : tensor<8x4xbf16>) outs(%{{.*}} : tensor<8x512xbf16>) {input_rows = #sieve.rows<sorted>, k = 4 : i64, output_rows = #sieve.rows<token>} -> tensor<8x512xbf16>
func.func @combine_down_projection(%u: tensor<32x128xbf16>, %w2: tensor<16x128x512xbf16>,
                                   %pairs: tensor<32xi32>, %offsets: tensor<17xi32>,
                                   %gates: tensor<8x4xbf16>, %init: tensor<8x512xbf16>) -> tensor<8x512xbf16> {
  %y = sieve.cvmm ins(%u, %w2, %pairs, %offsets : tensor<32x128xbf16>, tensor<16x128x512xbf16>, tensor<32xi32>, tensor<17xi32>)
      scale(%gates : tensor<8x4xbf16>) outs(%init : tensor<8x512xbf16>)
      {k = 4 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>} -> tensor<8x512xbf16>
  return %y : tensor<8x512xbf16>
}

// The input gradient of the down-projection: transposed weights, token rows
// scattered back to sorted pairs.
// CHECK-LABEL: func.func @transposed_input_gradient
// CHECK: sieve.cvmm {{.*}} {input_rows = #sieve.rows<token>, k = 4 : i64, output_rows = #sieve.rows<sorted>, transpose_weight} -> tensor<32x128xf32>
func.func @transposed_input_gradient(%dy: tensor<8x512xf32>, %w2: tensor<16x128x512xf32>,
                                     %pairs: tensor<32xi32>, %offsets: tensor<17xi32>,
                                     %gates: tensor<8x4xf32>, %init: tensor<32x128xf32>) -> tensor<32x128xf32> {
  %du = sieve.cvmm ins(%dy, %w2, %pairs, %offsets : tensor<8x512xf32>, tensor<16x128x512xf32>, tensor<32xi32>, tensor<17xi32>)
      scale(%gates : tensor<8x4xf32>) outs(%init : tensor<32x128xf32>)
      {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>, transpose_weight} -> tensor<32x128xf32>
  return %du : tensor<32x128xf32>
}

// Buffer semantics: the same op on memrefs writes its init and returns nothing.
// CHECK-LABEL: func.func @on_buffers
// CHECK: sieve.cvmm ins({{.*}} : memref<?x512xf32>, memref<16x512x128xf32>, memref<?xi32>, memref<17xi32>) outs(%{{.*}} : memref<?x128xf32>) {input_rows = #sieve.rows<token>, k = 4 : i64, output_rows = #sieve.rows<sorted>}
// CHECK-NEXT: return
func.func @on_buffers(%x: memref<?x512xf32>, %w1: memref<16x512x128xf32>,
                      %pairs: memref<?xi32>, %offsets: memref<17xi32>, %init: memref<?x128xf32>) {
  sieve.cvmm ins(%x, %w1, %pairs, %offsets : memref<?x512xf32>, memref<16x512x128xf32>, memref<?xi32>, memref<17xi32>)
      outs(%init : memref<?x128xf32>)
      {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>}
  return
}
