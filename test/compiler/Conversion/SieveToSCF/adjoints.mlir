// The backward-pass primitives on buffers become loops; the parallel loop
// of each is over elements no two iterations write.
// RUN: sieve-opt %s -split-input-file --sieve-convert-to-scf | FileCheck %s

// Per token.
// CHECK-LABEL: func.func @select_grad
// CHECK: scf.parallel (%[[N:.*]]) =
// CHECK: scf.for
// CHECK: memref.load %{{.*}}[%[[N]], %{{.*}}] : memref<?x4xi1>
// CHECK-NOT: sieve.
func.func @select_grad(%s: memref<?x4xf32>, %i: memref<?x2xi32>, %g: memref<?x2xf32>, %m: memref<?x4xi1>, %o: memref<?x4xf32>) {
  sieve.select_grad ins(%s, %i, %g : memref<?x4xf32>, memref<?x2xi32>, memref<?x2xf32>) keep(%m : memref<?x4xi1>) outs(%o : memref<?x4xf32>) {renormalize}
  return
}

// -----

// Per (token, head).
// CHECK-LABEL: func.func @product_key_grad
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) =
// CHECK-NOT: sieve.
func.func @product_key_grad(%g: memref<?x2x3xf32>, %i: memref<?x2x3xi32>, %a: memref<?x2x5xf32>, %b: memref<?x2x5xf32>) {
  sieve.product_key_grad ins(%g, %i : memref<?x2x3xf32>, memref<?x2x3xi32>) outs(%a, %b : memref<?x2x5xf32>, memref<?x2x5xf32>)
  return
}

// -----

// Per token for gather_dot; per column for scatter_sum, whose rows collect
// several tokens.
// CHECK-LABEL: func.func @gather_scatter
// CHECK: %[[T:.*]] = memref.dim %{{.*}}, %{{.*}} : memref<?x8xf32>
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[T]]) step
// CHECK: %[[C:.*]] = memref.dim %arg5, %c1{{.*}} : memref<10x8xf32>
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[C]]) step
// CHECK-NOT: sieve.
func.func @gather_scatter(%dy: memref<?x8xf32>, %i: memref<?x3xi32>, %v: memref<10x8xf32>, %w: memref<?x3xf32>, %dw: memref<?x3xf32>, %dv: memref<10x8xf32>) {
  sieve.gather_dot ins(%dy, %i, %v : memref<?x8xf32>, memref<?x3xi32>, memref<10x8xf32>) outs(%dw : memref<?x3xf32>)
  sieve.scatter_sum ins(%w, %i, %dy : memref<?x3xf32>, memref<?x3xi32>, memref<?x8xf32>) outs(%dv : memref<10x8xf32>)
  return
}

// -----

// Per sorted position (the pairs are a permutation), skipping those at or
// past offsets[N_E] (unrouted): the count is read inside the loop, so the
// loop's bounds are sizes (a GPU launches it from the host).
// CHECK-LABEL: func.func @pair_dot
// CHECK: %[[POSITIONS:.*]] = memref.dim %{{.*}}, %{{.*}} : memref<?xi32>
// CHECK: scf.parallel (%[[J:.*]]) = (%{{.*}}) to (%[[POSITIONS]])
// CHECK:   %[[ROUTED:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<5xi32>
// CHECK:   %[[END:.*]] = arith.index_cast %[[ROUTED]]
// CHECK:   %[[INSIDE:.*]] = arith.cmpi ult, %[[J]], %[[END]]
// CHECK:   scf.if %[[INSIDE]]
// CHECK-NOT: sieve.
func.func @pair_dot(%h: memref<?x6xf32>, %g: memref<?x6xf32>, %p: memref<?xi32>, %o: memref<5xi32>, %d: memref<?x2xf32>) {
  sieve.pair_dot ins(%h, %g, %p, %o : memref<?x6xf32>, memref<?x6xf32>, memref<?xi32>, memref<5xi32>) outs(%d : memref<?x2xf32>) {k = 2 : i64, lhs_rows = #sieve.rows<sorted>, rhs_rows = #sieve.rows<sorted>}
  return
}

// -----

// Into sorted rows: per position; into token rows: per column.
// CHECK-LABEL: func.func @scale_rows
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: %[[C:.*]] = memref.dim %{{.*}}, %{{.*}} : memref<?x6xf32>
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[C]])
// CHECK-NOT: sieve.
func.func @scale_rows(%g: memref<?x6xf32>, %s: memref<?x2xf32>, %p: memref<?xi32>, %o: memref<5xi32>, %sorted: memref<?x6xf32>, %tokens: memref<?x6xf32>) {
  sieve.scale_rows ins(%g, %s, %p, %o : memref<?x6xf32>, memref<?x2xf32>, memref<?xi32>, memref<5xi32>) outs(%sorted : memref<?x6xf32>) {k = 2 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<sorted>}
  sieve.scale_rows ins(%g, %s, %p, %o : memref<?x6xf32>, memref<?x2xf32>, memref<?xi32>, memref<5xi32>) outs(%tokens : memref<?x6xf32>) {k = 2 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>}
  return
}

// -----

// The regularisers' adjoints: p by parallel loops (row maxima and
// normalisers, partial sums per chunk of tokens, their sums), then per token.
// CHECK-LABEL: func.func @regularizers
// CHECK: memref.alloc
// CHECK: scf.parallel
// CHECK: memref.dealloc
// CHECK: memref.alloc
// CHECK: scf.parallel
// CHECK: memref.dealloc
// CHECK-NOT: sieve.
func.func @regularizers(%z: memref<?x4xf32>, %e: memref<?x1xi32>, %dl: memref<f32>, %dz: memref<?x4xf32>) {
  sieve.entropy_reg_grad ins(%z, %dl : memref<?x4xf32>, memref<f32>) outs(%dz : memref<?x4xf32>) {weight = 0.01 : f64}
  sieve.switch_reg_grad ins(%z, %e, %dl : memref<?x4xf32>, memref<?x1xi32>, memref<f32>) outs(%dz : memref<?x4xf32>) {weight = 0.01 : f64}
  return
}

// -----

// memref.copy becomes parallel loops (no call into MLIR's C runner).
// CHECK-LABEL: func.func @copy
// CHECK: scf.parallel (%[[I:.*]], %[[J:.*]]) =
// CHECK: %[[V:.*]] = memref.load %{{.*}}[%[[I]], %[[J]]]
// CHECK: memref.store %[[V]], %{{.*}}[%[[I]], %[[J]]]
// CHECK-NOT: memref.copy
func.func @copy(%a: memref<?x8xf32, strided<[16, 1], offset: ?>>, %b: memref<?x8xf32>) {
  memref.copy %a, %b : memref<?x8xf32, strided<[16, 1], offset: ?>> to memref<?x8xf32>
  return
}
