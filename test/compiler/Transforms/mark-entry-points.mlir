// RUN: sieve-opt %s -sieve-mark-entry-points -split-input-file | FileCheck %s

// Public functions get a C interface; the signature attributes, already in
// the manifest, are dropped, other argument attributes kept.
// CHECK-LABEL: func.func @entry
// CHECK-SAME: (%{{.*}}: memref<?x4xf32> {llvm.noalias}, %{{.*}}: memref<4xf32>)
// CHECK-SAME: attributes {llvm.emit_c_interface}
func.func @entry(%x: memref<?x4xf32> {sieve.name = "x", llvm.noalias},
                 %w: memref<4xf32> {sieve.name = "w", sieve.tokens_multiple = 1 : i64}) {
  return
}

// -----

// Private helpers and declarations get no C interface.
// CHECK-LABEL: func.func private @helper
// CHECK-NOT: llvm.emit_c_interface
func.func private @helper(%x: memref<4xf32>) {
  return
}
// CHECK: func.func private @external
// CHECK-NOT: llvm.emit_c_interface
func.func private @external(memref<4xf32>)

// -----

// The functions' own sieve attributes (tile variants) are dropped too;
// other function attributes are kept.
// CHECK-LABEL: func.func @variant
// CHECK-SAME: attributes {llvm.emit_c_interface, other = 1 : i64}
// CHECK-NOT: sieve.
func.func @variant(%x: memref<4xf32>) attributes {sieve.gpu_tiles = "2x2x32x2x1", sieve.variant_of = "entry", other = 1 : i64} {
  return
}
