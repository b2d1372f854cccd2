// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// σ-MoE in training: sigmoid scores, the expert-dropout mask (Eq. 22).
// CHECK-LABEL: func.func @with_keep_mask
// CHECK: %{{.*}}, %{{.*}} = sieve.select_experts %{{.*}} keep(%{{.*}}) {k = 4 : i64} : (tensor<?x16xf32>, tensor<?x16xi1>) -> (tensor<?x4xi32>, tensor<?x4xf32>)
func.func @with_keep_mask(%s: tensor<?x16xf32>, %keep: tensor<?x16xi1>)
    -> (tensor<?x4xi32>, tensor<?x4xf32>) {
  %e, %g = sieve.select_experts %s keep(%keep) {k = 4 : i64}
      : (tensor<?x16xf32>, tensor<?x16xi1>) -> (tensor<?x4xi32>, tensor<?x4xf32>)
  return %e, %g : tensor<?x4xi32>, tensor<?x4xf32>
}

// S-BASE: ranked by the Sinkhorn assignment, gated by the sigmoid scores.
// CHECK-LABEL: func.func @ranked_by_sinkhorn
// CHECK: sieve.select_experts %{{.*}} ranked_by(%{{.*}}) {k = 1 : i64} : (tensor<64x4xbf16>, tensor<64x4xbf16>) -> (tensor<64x1xi32>, tensor<64x1xbf16>)
func.func @ranked_by_sinkhorn(%s: tensor<64x4xbf16>, %r: tensor<64x4xbf16>)
    -> (tensor<64x1xi32>, tensor<64x1xbf16>) {
  %e, %g = sieve.select_experts %s ranked_by(%r) {k = 1 : i64}
      : (tensor<64x4xbf16>, tensor<64x4xbf16>) -> (tensor<64x1xi32>, tensor<64x1xbf16>)
  return %e, %g : tensor<64x1xi32>, tensor<64x1xbf16>
}

// Softmax renormalised after top-K (Eq. 25), with both optional operands.
// CHECK-LABEL: func.func @renormalized
// CHECK: sieve.select_experts %{{.*}} ranked_by(%{{.*}}) keep(%{{.*}}) {k = 2 : i64, renormalize}
func.func @renormalized(%s: tensor<8x4xf32>, %r: tensor<8x4xf32>, %keep: tensor<8x4xi1>)
    -> (tensor<8x2xi32>, tensor<8x2xf32>) {
  %e, %g = sieve.select_experts %s ranked_by(%r) keep(%keep) {k = 2 : i64, renormalize}
      : (tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xi1>) -> (tensor<8x2xi32>, tensor<8x2xf32>)
  return %e, %g : tensor<8x2xi32>, tensor<8x2xf32>
}
