// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// dW1: token rows of x against sorted rows of dU.
// CHECK-LABEL: func.func @up_projection_weight_grad
// CHECK: sieve.cvmm_weight_grad ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x512xf32>, tensor<?x128xf32>, tensor<?xi32>, tensor<17xi32>) outs(%{{.*}} : tensor<16x512x128xf32>) {grad_rows = #sieve.rows<sorted>, input_rows = #sieve.rows<token>, k = 4 : i64} -> tensor<16x512x128xf32>
func.func @up_projection_weight_grad(%x: tensor<?x512xf32>, %du: tensor<?x128xf32>,
                                     %pairs: tensor<?xi32>, %offsets: tensor<17xi32>,
                                     %init: tensor<16x512x128xf32>) -> tensor<16x512x128xf32> {
  %dw = sieve.cvmm_weight_grad ins(%x, %du, %pairs, %offsets : tensor<?x512xf32>, tensor<?x128xf32>, tensor<?xi32>, tensor<17xi32>)
      outs(%init : tensor<16x512x128xf32>)
      {k = 4 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>} -> tensor<16x512x128xf32>
  return %dw : tensor<16x512x128xf32>
}

// dW2: sorted hidden rows against token rows of dY scaled by the gates.
// CHECK-LABEL: func.func @down_projection_weight_grad
// CHECK: sieve.cvmm_weight_grad {{.*}} scale(%{{.*}} : tensor<8x4xf32>) outs(%{{.*}} : tensor<16x128x512xf32>) {grad_rows = #sieve.rows<token>, input_rows = #sieve.rows<sorted>, k = 4 : i64} -> tensor<16x128x512xf32>
func.func @down_projection_weight_grad(%u: tensor<32x128xf32>, %dy: tensor<8x512xf32>,
                                       %pairs: tensor<32xi32>, %offsets: tensor<17xi32>,
                                       %gates: tensor<8x4xf32>, %init: tensor<16x128x512xf32>) -> tensor<16x128x512xf32> {
  %dw = sieve.cvmm_weight_grad ins(%u, %dy, %pairs, %offsets : tensor<32x128xf32>, tensor<8x512xf32>, tensor<32xi32>, tensor<17xi32>)
      scale(%gates : tensor<8x4xf32>) outs(%init : tensor<16x128x512xf32>)
      {k = 4 : i64, input_rows = #sieve.rows<sorted>, grad_rows = #sieve.rows<token>} -> tensor<16x128x512xf32>
  return %dw : tensor<16x128x512xf32>
}

// CHECK-LABEL: func.func @on_buffers
// CHECK: sieve.cvmm_weight_grad ins({{.*}}) outs(%{{.*}} : memref<16x512x128xf32>)
// CHECK-NEXT: return
func.func @on_buffers(%x: memref<?x512xf32>, %du: memref<?x128xf32>, %pairs: memref<?xi32>,
                      %offsets: memref<17xi32>, %init: memref<16x512x128xf32>) {
  sieve.cvmm_weight_grad ins(%x, %du, %pairs, %offsets : memref<?x512xf32>, memref<?x128xf32>, memref<?xi32>, memref<17xi32>)
      outs(%init : memref<16x512x128xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>}
  return
}
