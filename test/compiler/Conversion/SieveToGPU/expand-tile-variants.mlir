// Each public function with a CVMM keeps its name and takes the first
// configuration; a copy per further configuration is named __tiles<i> and
// says whose variant it is. Functions without CVMM are left alone.
// RUN: sieve-opt %s --sieve-expand-gpu-tile-variants="tiles=2x2x16x1x1,2x4x16x2x1,4x2x16x3x4" | FileCheck %s
// Then each copy's kernels are generated with its own tiles.
// RUN: sieve-opt %s --sieve-expand-gpu-tile-variants="tiles=2x2x16x1x1,2x4x16x2x1" --sieve-convert-cvmm-to-gpu | FileCheck %s --check-prefix=LOWERED
// A configuration that gives every CVMM the kernel an earlier one gives it
// adds no copy; the copies keep their configuration's position in the
// name. @forward has no weight gradient, so split-K 4 changes nothing for
// it; with wgmma, @forward_bf16's warpgroup kernel ignores the k-tile
// (2x2x32x1x1 is 2x2x16x1x1 again) while 4x2 tiles, with no warpgroup
// form, give it an mma.sync kernel.
// RUN: sieve-opt %s --sieve-expand-gpu-tile-variants="tiles=2x2x16x1x1,2x2x16x1x4,2x2x32x1x1,4x2x16x1x1 wgmma=true" | FileCheck %s --check-prefix=SAME
// SAME-LABEL: func.func @forward(
// SAME-NOT:   func.func @forward__tiles1
// SAME-LABEL: func.func @forward__tiles2
// SAME-SAME:    sieve.gpu_tiles = "2x2x32x1x1"
// SAME-LABEL: func.func @forward__tiles3
// SAME-SAME:    sieve.gpu_tiles = "4x2x16x1x1"
// SAME-LABEL: func.func @forward_bf16
// SAME-SAME:    sieve.gpu_tiles = "2x2x16x1x1"
// SAME-NOT:   func.func @forward_bf16__tiles1
// SAME-NOT:   func.func @forward_bf16__tiles2
// SAME-LABEL: func.func @forward_bf16__tiles3
// SAME-SAME:    sieve.gpu_tiles = "4x2x16x1x1"
// SAME-NOT:   __tiles
// Without wgmma the k-tile is a tunable of @forward_bf16's kernel too.
// RUN: sieve-opt %s --sieve-expand-gpu-tile-variants="tiles=2x2x16x1x1,2x2x32x1x1" | FileCheck %s --check-prefix=MMA
// MMA-LABEL: func.func @forward_bf16__tiles1
// MMA-SAME:    sieve.gpu_tiles = "2x2x32x1x1"
// No configuration: nothing changes.
// RUN: sieve-opt %s --sieve-expand-gpu-tile-variants | FileCheck %s --check-prefix=NONE
// Bad configurations are refused, saying why.
// RUN: not sieve-opt %s --sieve-expand-gpu-tile-variants="tiles=2x2x16" 2>&1 | FileCheck %s --check-prefix=SYNTAX
// SYNTAX: error: GPU tile variant '2x2x16' is invalid: expected MxNxKxSxP (warps along rows and columns, k-tile, stages, split-k), e.g. 2x2x16x1x1
// RUN: not sieve-opt %s --sieve-expand-gpu-tile-variants="tiles=4x4x32x4x1" 2>&1 | FileCheck %s --check-prefix=SHARED
// SHARED: error: GPU tile variant '4x4x32x4x1' is invalid: its tiles need 143360 bytes of shared memory, more than the 49152 a block may have

// CHECK-LABEL: func.func @forward
// CHECK-SAME:    attributes {sieve.gpu_tiles = "2x2x16x1x1"}
// CHECK:         sieve.cvmm
// CHECK-LABEL: func.func @forward__tiles1
// CHECK-SAME:    attributes {sieve.gpu_tiles = "2x4x16x2x1", sieve.variant_of = "forward"}
// CHECK:         sieve.cvmm
// CHECK-LABEL: func.func @forward__tiles2
// CHECK-SAME:    attributes {sieve.gpu_tiles = "4x2x16x3x4", sieve.variant_of = "forward"}
// CHECK-LABEL: func.func @forward_bf16
// CHECK-LABEL: func.func @no_cvmm
// CHECK-NOT:     sieve.gpu_tiles
// CHECK-NOT:   func.func @no_cvmm__tiles1

// LOWERED-LABEL: func.func @forward
// LOWERED:         workgroup(%{{.*}} : memref<64x20xf32, #gpu.address_space<workgroup>>
// LOWERED-LABEL: func.func @forward__tiles1
// LOWERED:         workgroup(%{{.*}} : memref<2x64x20xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<2x16x136xf32, #gpu.address_space<workgroup>>)
// LOWERED:           nvgpu.device_async_copy

// NONE-NOT: sieve.gpu_tiles
// NONE-NOT: __tiles
func.func @forward(%x: memref<?x64xf32>, %w: memref<4x64x32xf32>, %p: memref<?xi32>, %o: memref<5xi32>, %h: memref<?x32xf32>) {
  sieve.cvmm ins(%x, %w, %p, %o : memref<?x64xf32>, memref<4x64x32xf32>, memref<?xi32>, memref<5xi32>) outs(%h : memref<?x32xf32>) {k = 2 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>}
  return
}

func.func @forward_bf16(%x: memref<?x64xbf16>, %w: memref<4x64x32xbf16>, %p: memref<?xi32>, %o: memref<5xi32>, %h: memref<?x32xbf16>) {
  sieve.cvmm ins(%x, %w, %p, %o : memref<?x64xbf16>, memref<4x64x32xbf16>, memref<?xi32>, memref<5xi32>) outs(%h : memref<?x32xbf16>) {k = 2 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>}
  return
}

func.func @no_cvmm(%x: memref<4xf32>) {
  return
}
