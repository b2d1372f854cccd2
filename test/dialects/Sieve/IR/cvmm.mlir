// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// The σ-MoE up-projection: token rows gathered into sorted pairs (K = 4).
// CHECK-LABEL: func.func @gather_up_projection
// CHECK: sieve.cvmm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {input_rows = #sieve.rows<token>, k = 4 : i64, output_rows = #sieve.rows<sorted>} : (tensor<?x512xf32>, tensor<16x512x128xf32>, tensor<?xi32>, tensor<17xi32>) -> tensor<?x128xf32>
func.func @gather_up_projection(%x: tensor<?x512xf32>, %w1: tensor<16x512x128xf32>,
                                %pairs: tensor<?xi32>, %offsets: tensor<17xi32>)
    -> tensor<?x128xf32> {
  %u = sieve.cvmm %x, %w1, %pairs, %offsets {k = 4 : i64,
      input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>}
      : (tensor<?x512xf32>, tensor<16x512x128xf32>, tensor<?xi32>, tensor<17xi32>)
      -> tensor<?x128xf32>
  return %u : tensor<?x128xf32>
}

// The down-projection: sorted pairs scaled by the gates, combined per token.
// CHECK-LABEL: func.func @combine_down_projection
// CHECK: sieve.cvmm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} scale(%{{.*}}) {input_rows = #sieve.rows<sorted>, k = 4 : i64, output_rows = #sieve.rows<token>} : (tensor<32x128xbf16>, tensor<16x128x512xbf16>, tensor<32xi32>, tensor<17xi32>, tensor<8x4xbf16>) -> tensor<8x512xbf16>
func.func @combine_down_projection(%u: tensor<32x128xbf16>, %w2: tensor<16x128x512xbf16>,
                                   %pairs: tensor<32xi32>, %offsets: tensor<17xi32>,
                                   %gates: tensor<8x4xbf16>) -> tensor<8x512xbf16> {
  %y = sieve.cvmm %u, %w2, %pairs, %offsets scale(%gates) {k = 4 : i64,
      input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>}
      : (tensor<32x128xbf16>, tensor<16x128x512xbf16>, tensor<32xi32>, tensor<17xi32>,
         tensor<8x4xbf16>) -> tensor<8x512xbf16>
  return %y : tensor<8x512xbf16>
}

// The input gradient of the down-projection: transposed weights, token rows
// scattered back to sorted pairs.
// CHECK-LABEL: func.func @transposed_input_gradient
// CHECK: sieve.cvmm {{.*}} scale(%{{.*}}) {input_rows = #sieve.rows<token>, k = 4 : i64, output_rows = #sieve.rows<sorted>, transpose_weight} : (tensor<8x512xf32>, tensor<16x128x512xf32>, tensor<32xi32>, tensor<17xi32>, tensor<8x4xf32>) -> tensor<32x128xf32>
func.func @transposed_input_gradient(%dy: tensor<8x512xf32>, %w2: tensor<16x128x512xf32>,
                                     %pairs: tensor<32xi32>, %offsets: tensor<17xi32>,
                                     %gates: tensor<8x4xf32>) -> tensor<32x128xf32> {
  %du = sieve.cvmm %dy, %w2, %pairs, %offsets scale(%gates) {k = 4 : i64,
      input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>,
      transpose_weight}
      : (tensor<8x512xf32>, tensor<16x128x512xf32>, tensor<32xi32>, tensor<17xi32>,
         tensor<8x4xf32>) -> tensor<32x128xf32>
  return %du : tensor<32x128xf32>
}
