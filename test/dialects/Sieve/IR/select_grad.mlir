// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// The gates' gradient of σ-MoE's selection, with its expert-dropout mask.
// CHECK-LABEL: func.func @gates
// CHECK: sieve.select_grad ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<?x16xf32>, tensor<?x4xi32>, tensor<?x4xf32>) keep(%{{.*}} : tensor<?x16xi1>) outs(%{{.*}} : tensor<?x16xf32>) -> tensor<?x16xf32>
func.func @gates(%s: tensor<?x16xf32>, %i: tensor<?x4xi32>, %dg: tensor<?x4xf32>, %m: tensor<?x16xi1>, %init: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %d = sieve.select_grad ins(%s, %i, %dg : tensor<?x16xf32>, tensor<?x4xi32>, tensor<?x4xf32>) keep(%m : tensor<?x16xi1>) outs(%init : tensor<?x16xf32>) -> tensor<?x16xf32>
  return %d : tensor<?x16xf32>
}

// Softmax selection renormalised after top-K (Eq. 25), on buffers.
// CHECK-LABEL: func.func @renormalized
// CHECK: sieve.select_grad ins({{.*}}) outs(%{{.*}} : memref<8x16xf32>) {renormalize}
// CHECK-NEXT: return
func.func @renormalized(%s: memref<8x16xf32>, %i: memref<8x4xi32>, %dg: memref<8x4xf32>, %init: memref<8x16xf32>) {
  sieve.select_grad ins(%s, %i, %dg : memref<8x16xf32>, memref<8x4xi32>, memref<8x4xf32>) outs(%init : memref<8x16xf32>) {renormalize}
  return
}
