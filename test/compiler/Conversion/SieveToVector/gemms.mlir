// The GEMM-shaped ops on f32 buffers become packed, register-tiled loops of
// vector.fma; everything else is left alone.
// RUN: sieve-opt %s -split-input-file --sieve-convert-gemms-to-vector | FileCheck %s

// Sorted output rows: the experts' weights are packed into panels once, in
// parallel; then chunks of sorted rows, cut at expert boundaries, run the
// 6 x 16 tile (12 accumulators).
// CHECK-LABEL: func.func @cvmm_sorted
// CHECK: %[[PACKED:.*]] = memref.alloc
// CHECK: scf.parallel
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: scf.if
// CHECK-COUNT-12: vector.fma {{.*}} : vector<8xf32>
// CHECK: memref.dealloc %[[PACKED]]
// CHECK-NOT: sieve.cvmm
func.func @cvmm_sorted(%x: memref<?x64xf32>, %w: memref<4x64x32xf32>, %p: memref<?xi32>, %o: memref<5xi32>, %h: memref<?x32xf32>) {
  sieve.cvmm ins(%x, %w, %p, %o : memref<?x64xf32>, memref<4x64x32xf32>, memref<?xi32>, memref<5xi32>) outs(%h : memref<?x32xf32>) {k = 2 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>}
  return
}

// -----

// Token output rows (pairs of a token add into one row): column chunks in
// parallel, every sorted row within.
// CHECK-LABEL: func.func @cvmm_tokens
// CHECK: scf.parallel
// CHECK: %[[C128:.*]] = arith.constant 128 : index
// CHECK: scf.parallel (%[[CHUNK:.*]]) =
// CHECK: arith.muli %[[CHUNK]], %[[C128]]
// CHECK: vector.fma
func.func @cvmm_tokens(%h: memref<?x32xf32>, %w: memref<4x32x64xf32>, %s: memref<?x2xf32>, %p: memref<?xi32>, %o: memref<5xi32>, %y: memref<?x64xf32>) {
  sieve.cvmm ins(%h, %w, %p, %o : memref<?x32xf32>, memref<4x32x64xf32>, memref<?xi32>, memref<5xi32>) scale(%s : memref<?x2xf32>) outs(%y : memref<?x64xf32>) {k = 2 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>}
  return
}

// -----

// Weight gradients: one task per expert, B packed per block of its rows.
// CHECK-LABEL: func.func @weight_grad
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}})
// CHECK: memref.alloc
// CHECK: vector.fma
// CHECK-NOT: sieve.cvmm_weight_grad
func.func @weight_grad(%x: memref<?x64xf32>, %g: memref<?x32xf32>, %p: memref<?xi32>, %o: memref<5xi32>, %dw: memref<4x64x32xf32>) {
  sieve.cvmm_weight_grad ins(%x, %g, %p, %o : memref<?x64xf32>, memref<?x32xf32>, memref<?xi32>, memref<5xi32>) outs(%dw : memref<4x64x32xf32>) {k = 2 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>}
  return
}

// -----

// Matmuls with plain and transposed operands.
// CHECK-LABEL: func.func @matmuls
// CHECK-COUNT-3: vector.fma
// CHECK-NOT: linalg.matmul
func.func @matmuls(%a: memref<?x64xf32>, %b: memref<64x32xf32>, %bt: memref<32x64xf32>, %at: memref<64x?xf32>, %c: memref<?x32xf32>) {
  linalg.matmul ins(%a, %b : memref<?x64xf32>, memref<64x32xf32>) outs(%c : memref<?x32xf32>)
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
      ins(%a, %bt : memref<?x64xf32>, memref<32x64xf32>) outs(%c : memref<?x32xf32>)
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
      ins(%at, %b : memref<64x?xf32>, memref<64x32xf32>) outs(%c : memref<?x32xf32>)
  return
}

// -----

// Not f32, not a plain or transposed matmul, or still on tensors: left for
// the other lowerings.
// CHECK-LABEL: func.func @left_alone
// CHECK: sieve.cvmm {{.*}} memref<4x64x32xf16>
// CHECK: linalg.matmul indexing_maps
// CHECK-NOT: vector.fma
func.func @left_alone(%x: memref<?x64xf16>, %w: memref<4x64x32xf16>, %p: memref<?xi32>, %o: memref<5xi32>, %h: memref<?x32xf16>, %a: memref<8x64xf32>, %b: memref<64xf32>, %c: memref<8x64xf32>) {
  sieve.cvmm ins(%x, %w, %p, %o : memref<?x64xf16>, memref<4x64x32xf16>, memref<?xi32>, memref<5xi32>) outs(%h : memref<?x32xf16>) {k = 2 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>}
  linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
      ins(%a, %b : memref<8x64xf32>, memref<64xf32>) outs(%c : memref<8x64xf32>)
  return
}

