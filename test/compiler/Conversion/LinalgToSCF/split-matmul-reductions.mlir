// RUN: sieve-opt %s -split-input-file --sieve-split-matmul-reductions --canonicalize --cse | FileCheck %s
// RUN: sieve-opt %s -split-input-file --sieve-split-matmul-reductions=chunk-size=64 | FileCheck %s --check-prefix=CHUNK
// RUN: not sieve-opt %s -split-input-file --sieve-split-matmul-reductions=chunk-size=0 2>&1 | FileCheck %s --check-prefix=BAD

// σ-MoE's router weight gradient dW3 = xᵀ dscores: the reduction runs over
// the tokens. Partial sums of 256 tokens each, a thread per (chunk, i, e),
// then the chunks added in order to the output.
// CHECK-LABEL: func.func @router_weight_grad
// CHECK-SAME: (%[[X:.*]]: memref<?x512xf32>, %[[D:.*]]: memref<?x32xf32>, %[[W:.*]]: memref<512x32xf32>)
// CHECK-DAG: %[[C255:.*]] = arith.constant 255 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK: %[[TOKENS:.*]] = memref.dim %[[X]], %{{.*}} : memref<?x512xf32>
// CHECK: %[[ROUNDED:.*]] = arith.addi %[[TOKENS]], %[[C255]]
// CHECK: %[[CHUNKS:.*]] = arith.divui %[[ROUNDED]], %[[C256]]
// CHECK: %[[PARTIAL:.*]] = memref.alloc(%[[CHUNKS]]) : memref<?x512x32xf32>
// CHECK: scf.parallel (%[[C:.*]], %[[I:.*]], %[[E:.*]]) = {{.*}} to (%[[CHUNKS]], %{{.*}}, %{{.*}})
// CHECK: %[[BEGIN:.*]] = arith.muli %[[C]], %[[C256]]
// CHECK: %[[END:.*]] = arith.addi %[[BEGIN]], %[[C256]]
// CHECK: %[[LAST:.*]] = arith.cmpi ult, %[[END]], %[[TOKENS]]
// CHECK: %[[STOP:.*]] = arith.select %[[LAST]], %[[END]], %[[TOKENS]]
// CHECK: %[[SUM:.*]] = scf.for %[[T:.*]] = %[[BEGIN]] to %[[STOP]] {{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (f32)
// CHECK-DAG: memref.load %[[X]][%[[T]], %[[I]]]
// CHECK-DAG: memref.load %[[D]][%[[T]], %[[E]]]
// CHECK: arith.mulf
// CHECK: arith.addf %[[ACC]]
// CHECK: memref.store %[[SUM]], %[[PARTIAL]][%[[C]], %[[I]], %[[E]]]
// CHECK: scf.parallel (%[[I2:.*]], %[[E2:.*]]) =
// CHECK: %[[OLD:.*]] = memref.load %[[W]][%[[I2]], %[[E2]]]
// CHECK: %[[TOTAL:.*]] = scf.for %[[C2:.*]] = %{{.*}} to %[[CHUNKS]] {{.*}} iter_args(%[[ACC2:.*]] = %[[OLD]]) -> (f32)
// CHECK: memref.load %[[PARTIAL]][%[[C2]], %[[I2]], %[[E2]]]
// CHECK: memref.store %[[TOTAL]], %[[W]][%[[I2]], %[[E2]]]
// CHECK: memref.dealloc %[[PARTIAL]]
// CHECK-NOT: linalg.matmul
// CHUNK-LABEL: func.func @router_weight_grad
// CHUNK-DAG: arith.constant 63 : index
// CHUNK-DAG: arith.constant 64 : index
// BAD: sieve-split-matmul-reductions: chunk-size must be at least 1, got 0
#xT = affine_map<(d0, d1, d2) -> (d2, d0)>
#d = affine_map<(d0, d1, d2) -> (d2, d1)>
#w = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @router_weight_grad(%x: memref<?x512xf32>, %dscores: memref<?x32xf32>, %dw3: memref<512x32xf32>) {
  linalg.matmul indexing_maps = [#xT, #d, #w] ins(%x, %dscores : memref<?x512xf32>, memref<?x32xf32>) outs(%dw3 : memref<512x32xf32>)
  return
}

// -----

// A reduction over a static dimension (the router's forward x W3) is left
// for convert-linalg-to-parallel-loops.
// CHECK-LABEL: func.func @router_scores
// CHECK: linalg.matmul
// CHECK-NOT: scf.parallel
func.func @router_scores(%x: memref<?x512xf32>, %w3: memref<512x32xf32>, %s: memref<?x32xf32>) {
  linalg.matmul ins(%x, %w3 : memref<?x512xf32>, memref<512x32xf32>) outs(%s : memref<?x32xf32>)
  return
}

// -----

// bf16 operands and output: products and sums in f32, the output rounded
// once.
// CHECK-LABEL: func.func @bf16_weight_grad
// CHECK: scf.for {{.*}} -> (f32)
// CHECK: arith.extf {{.*}} : bf16 to f32
// CHECK: memref.store {{.*}} : memref<?x512x32xf32>
// CHECK: scf.for {{.*}} -> (f32)
// CHECK: arith.truncf {{.*}} : f32 to bf16
// CHECK-NEXT: memref.store {{.*}} : memref<512x32xbf16>
#xT2 = affine_map<(d0, d1, d2) -> (d2, d0)>
#d2 = affine_map<(d0, d1, d2) -> (d2, d1)>
#w2 = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @bf16_weight_grad(%x: memref<?x512xbf16>, %d: memref<?x32xbf16>, %w: memref<512x32xbf16>) {
  linalg.matmul indexing_maps = [#xT2, #d2, #w2] ins(%x, %d : memref<?x512xbf16>, memref<?x32xbf16>) outs(%w : memref<512x32xbf16>)
  return
}
