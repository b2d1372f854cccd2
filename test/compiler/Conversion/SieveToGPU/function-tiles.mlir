// A function's sieve.gpu_tiles overrides the pass's tile options; a bad
// one is an error at the function.
// RUN: sieve-opt %s -split-input-file -verify-diagnostics --sieve-convert-cvmm-to-gpu | FileCheck %s

// CHECK-LABEL: func.func @own_tiles
// CHECK:         gpu.launch {{.*}}workgroup(%{{.*}} : memref<2x32x36xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<2x32x72xf32, #gpu.address_space<workgroup>>)
func.func @own_tiles(%x: memref<?x64xf32>, %w: memref<4x64x32xf32>, %p: memref<?xi32>, %o: memref<5xi32>, %h: memref<?x32xf32>) attributes {sieve.gpu_tiles = "1x2x32x2x1"} {
  sieve.cvmm ins(%x, %w, %p, %o : memref<?x64xf32>, memref<4x64x32xf32>, memref<?xi32>, memref<5xi32>) outs(%h : memref<?x32xf32>) {k = 2 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>}
  return
}

// -----

// expected-error @+1 {{sieve.gpu_tiles '2x2' is invalid: expected MxNxKxSxP, e.g. 2x2x16x1x1}}
func.func @unparsable(%x: memref<4xf32>) attributes {sieve.gpu_tiles = "2x2"} {
  return
}

// -----

// expected-error @+1 {{sieve.gpu_tiles '2x2x16x9x1' is invalid: stages must be 1 to 4}}
func.func @invalid(%x: memref<4xf32>) attributes {sieve.gpu_tiles = "2x2x16x9x1"} {
  return
}
