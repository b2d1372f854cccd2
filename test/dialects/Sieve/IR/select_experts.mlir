// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// σ-MoE in training: sigmoid scores, the expert-dropout mask (Eq. 22).
// CHECK-LABEL: func.func @with_keep_mask
// CHECK: %{{.*}}:2 = sieve.select_experts ins(%{{.*}} : tensor<?x16xf32>) keep(%{{.*}} : tensor<?x16xi1>) outs(%{{.*}}, %{{.*}} : tensor<?x4xi32>, tensor<?x4xf32>) {k = 4 : i64} -> tensor<?x4xi32>, tensor<?x4xf32>
func.func @with_keep_mask(%s: tensor<?x16xf32>, %keep: tensor<?x16xi1>, %ei: tensor<?x4xi32>, %gi: tensor<?x4xf32>)
    -> (tensor<?x4xi32>, tensor<?x4xf32>) {
  %e, %g = sieve.select_experts ins(%s : tensor<?x16xf32>) keep(%keep : tensor<?x16xi1>)
      outs(%ei, %gi : tensor<?x4xi32>, tensor<?x4xf32>) {k = 4 : i64} -> tensor<?x4xi32>, tensor<?x4xf32>
  return %e, %g : tensor<?x4xi32>, tensor<?x4xf32>
}

// S-BASE: ranked by the Sinkhorn assignment, gated by the sigmoid scores.
// CHECK-LABEL: func.func @ranked_by_sinkhorn
// CHECK: sieve.select_experts ins(%{{.*}} : tensor<64x4xbf16>) ranked_by(%{{.*}} : tensor<64x4xbf16>) outs({{.*}}) {k = 1 : i64}
func.func @ranked_by_sinkhorn(%s: tensor<64x4xbf16>, %r: tensor<64x4xbf16>, %ei: tensor<64x1xi32>, %gi: tensor<64x1xbf16>)
    -> (tensor<64x1xi32>, tensor<64x1xbf16>) {
  %e, %g = sieve.select_experts ins(%s : tensor<64x4xbf16>) ranked_by(%r : tensor<64x4xbf16>)
      outs(%ei, %gi : tensor<64x1xi32>, tensor<64x1xbf16>) {k = 1 : i64} -> tensor<64x1xi32>, tensor<64x1xbf16>
  return %e, %g : tensor<64x1xi32>, tensor<64x1xbf16>
}

// Softmax renormalised after top-K (Eq. 25), both optional operands, on buffers.
// CHECK-LABEL: func.func @renormalized_on_buffers
// CHECK: sieve.select_experts ins(%{{.*}} : memref<8x4xf32>) ranked_by(%{{.*}} : memref<8x4xf32>) keep(%{{.*}} : memref<8x4xi1>) outs(%{{.*}}, %{{.*}} : memref<8x2xi32>, memref<8x2xf32>) {k = 2 : i64, renormalize}
// CHECK-NEXT: return
func.func @renormalized_on_buffers(%s: memref<8x4xf32>, %r: memref<8x4xf32>, %keep: memref<8x4xi1>,
                                   %ei: memref<8x2xi32>, %gi: memref<8x2xf32>) {
  sieve.select_experts ins(%s : memref<8x4xf32>) ranked_by(%r : memref<8x4xf32>) keep(%keep : memref<8x4xi1>)
      outs(%ei, %gi : memref<8x2xi32>, memref<8x2xf32>) {k = 2 : i64, renormalize}
  return
}
