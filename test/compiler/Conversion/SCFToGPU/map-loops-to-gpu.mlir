// RUN: sieve-opt %s --sieve-map-loops-to-gpu --split-input-file | FileCheck %s
// RUN: sieve-opt %s --sieve-map-loops-to-gpu="block-size=128" --split-input-file | FileCheck %s --check-prefix=BLOCK

// A top-level parallel nest: one thread per iteration of the flattened
// (rows x 8) space, the last dimension fastest, empty ranges skipped.
// CHECK-LABEL: func.func @parallel_nest
// CHECK:         memref.dim
// CHECK:         %[[ANY:.*]] = arith.cmpi sgt, %[[TOTAL:.*]], %
// CHECK:         scf.if %[[ANY]] {
// CHECK:           %[[BLOCKS:.*]] = arith.ceildivsi %[[TOTAL]], %[[C256:.*]] : index
// CHECK:           gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[BLOCKS]], {{.*}} threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C256]],
// CHECK:             %[[BASE:.*]] = arith.muli %[[BX]], %[[C256]]
// CHECK:             %[[LINEAR:.*]] = arith.addi %[[BASE]], %[[TX]]
// CHECK:             arith.cmpi slt, %[[LINEAR]], %[[TOTAL]]
// CHECK:             arith.remsi %[[LINEAR]]
// CHECK:             arith.divsi %[[LINEAR]]
// CHECK:             memref.store
// CHECK:             gpu.terminator
// BLOCK-LABEL: func.func @parallel_nest
// BLOCK:         %[[C128:.*]] = arith.constant 128 : index
// BLOCK:         gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %[[C128]],
func.func @parallel_nest(%out: memref<?x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  %rows = memref.dim %out, %c0 : memref<?x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%rows, %c8) step (%c1, %c1) {
    memref.store %one, %out[%i, %j] : memref<?x8xf32>
  }
  return
}

// -----

// A serial run (a loop carrying a count, a load the next op uses, the store
// of its result) becomes one single-thread launch; the allocation between
// stays on the host before it, the deallocation after it; the parallel nest
// that follows gets a launch of its own, and nested parallel loops run in
// order inside their thread.
// CHECK-LABEL: func.func @serial_run
// CHECK:         %[[TMP:.*]] = memref.alloc() : memref<4xi32>
// CHECK:         %[[ONE:.*]] = arith.constant 1 : index
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}} = %[[ONE]], {{.*}} = %[[ONE]], {{.*}} = %[[ONE]]) threads({{.*}}) in ({{.*}} = %[[ONE]], {{.*}} = %[[ONE]], {{.*}} = %[[ONE]])
// CHECK:           scf.for
// CHECK:           memref.load %{{.*}}[%{{.*}}] : memref<4xi32>
// CHECK:           memref.store
// CHECK:           gpu.terminator
// CHECK:         memref.dealloc %[[TMP]]
// CHECK:         scf.if
// CHECK:           gpu.launch
// CHECK-NOT:         scf.parallel
// CHECK:             scf.for
// CHECK:           gpu.terminator
// CHECK:         return
func.func @serial_run(%counts: memref<4xi32>, %total: memref<i32>, %out: memref<?x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c1 to %c4 step %c1 {
    %prev = memref.load %counts[%i] : memref<4xi32>
    memref.store %prev, %counts[%i] : memref<4xi32>
  }
  %tmp = memref.alloc() : memref<4xi32>
  %last = memref.load %counts[%c3] : memref<4xi32>
  memref.store %last, %tmp[%c0] : memref<4xi32>
  %copy = memref.load %tmp[%c0] : memref<4xi32>
  memref.store %copy, %total[] : memref<i32>
  memref.dealloc %tmp : memref<4xi32>
  %rows = memref.dim %out, %c0 : memref<?x4xf32>
  scf.parallel (%r) = (%c0) to (%rows) step (%c1) {
    scf.parallel (%k) = (%c0) to (%c4) step (%c1) {
      memref.store %zero, %out[%r, %k] : memref<?x4xf32>
    }
  }
  return
}
