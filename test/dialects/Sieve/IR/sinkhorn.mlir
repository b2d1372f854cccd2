// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// CHECK-LABEL: func.func @three_iterations
// CHECK: sieve.sinkhorn ins(%{{.*}} : tensor<?x16xf32>) outs(%{{.*}} : tensor<?x16xf32>) {iterations = 3 : i64} -> tensor<?x16xf32>
func.func @three_iterations(%logits: tensor<?x16xf32>, %init: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %a = sieve.sinkhorn ins(%logits : tensor<?x16xf32>) outs(%init : tensor<?x16xf32>) {iterations = 3 : i64} -> tensor<?x16xf32>
  return %a : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @bf16_on_buffers
// CHECK: sieve.sinkhorn ins(%{{.*}} : memref<32x4xbf16>) outs(%{{.*}} : memref<32x4xbf16>) {iterations = 1 : i64}
// CHECK-NEXT: return
func.func @bf16_on_buffers(%logits: memref<32x4xbf16>, %init: memref<32x4xbf16>) {
  sieve.sinkhorn ins(%logits : memref<32x4xbf16>) outs(%init : memref<32x4xbf16>) {iterations = 1 : i64}
  return
}
