// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// PKM values: 4 heads x 32 selected rows of a 3844-row table.
// CHECK-LABEL: func.func @pkm_values
// CHECK: sieve.gather_sum ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x128xf32>, tensor<?x128xi32>, tensor<3844x512xf32>) outs(%{{.*}} : tensor<?x512xf32>) -> tensor<?x512xf32>
func.func @pkm_values(%w: tensor<?x128xf32>, %i: tensor<?x128xi32>, %v: tensor<3844x512xf32>, %init: tensor<?x512xf32>)
    -> tensor<?x512xf32> {
  %y = sieve.gather_sum ins(%w, %i, %v : tensor<?x128xf32>, tensor<?x128xi32>, tensor<3844x512xf32>) outs(%init : tensor<?x512xf32>) -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}

// CHECK-LABEL: func.func @half_precision_on_buffers
// CHECK: sieve.gather_sum ins({{.*}}) outs(%{{.*}} : memref<2x8xf16>)
// CHECK-NEXT: return
func.func @half_precision_on_buffers(%w: memref<2x3xf16>, %i: memref<2x3xi32>, %v: memref<10x8xf16>, %init: memref<2x8xf16>) {
  sieve.gather_sum ins(%w, %i, %v : memref<2x3xf16>, memref<2x3xi32>, memref<10x8xf16>) outs(%init : memref<2x8xf16>)
  return
}
