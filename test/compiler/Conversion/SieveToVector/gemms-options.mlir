// The tunables are options; a column chunk must hold whole 16-column panels.
// RUN: not sieve-opt %s --sieve-convert-gemms-to-vector="column-chunk=20" 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: sieve-convert-gemms-to-vector: k-block, m-block and row-chunk must be positive and column-chunk a positive multiple of 16
// RUN: sieve-opt %s --sieve-convert-gemms-to-vector="k-block=8 m-block=12 row-chunk=6 column-chunk=32" | FileCheck %s --check-prefix=SMALL
// SMALL-LABEL: func.func @small_blocks
// SMALL: arith.constant 32 : index
// SMALL: vector.fma
func.func @small_blocks(%h: memref<?x32xf32>, %w: memref<4x32x64xf32>, %s: memref<?x2xf32>, %p: memref<?xi32>, %o: memref<5xi32>, %y: memref<?x64xf32>) {
  sieve.cvmm ins(%h, %w, %p, %o : memref<?x32xf32>, memref<4x32x64xf32>, memref<?xi32>, memref<5xi32>) scale(%s : memref<?x2xf32>) outs(%y : memref<?x64xf32>) {k = 2 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>}
  return
}
