// sieve.dispatch on i32 buffers becomes a call of the runtime's CUB sort,
// declared once, private, with a C interface and sieve.runtime_call; the
// operands are cast to dynamic shapes. Dispatch with more experts than the
// runtime's sort takes keeps the generated counting sort.
// RUN: sieve-opt %s -split-input-file --sieve-convert-dispatch-to-runtime | FileCheck %s
// The call stays on the host when the loops become kernels.
// RUN: sieve-opt %s -split-input-file --sieve-convert-dispatch-to-runtime --sieve-convert-to-scf --sieve-map-loops-to-gpu | FileCheck %s --check-prefix=HOST

// CHECK-LABEL: func.func private @sieve_gpu_sort_pairs_by_expert(memref<?x?xi32>, memref<?xi32>, memref<?xi32>) attributes {llvm.emit_c_interface, sieve.runtime_call}
// CHECK-LABEL: func.func @route
// CHECK:         %[[E:.*]] = memref.cast %{{.*}} : memref<?x2xi32> to memref<?x?xi32>
// CHECK:         %[[O:.*]] = memref.cast %{{.*}} : memref<9xi32> to memref<?xi32>
// CHECK:         call @sieve_gpu_sort_pairs_by_expert(%[[E]], %{{.*}}, %[[O]])
// CHECK-NOT:     sieve.dispatch
// CHECK:         call @sieve_gpu_sort_pairs_by_expert
// HOST-LABEL: func.func @route
// HOST-NOT:     gpu.launch
// HOST:         call @sieve_gpu_sort_pairs_by_expert
// HOST:         gpu.launch
// HOST:           memref.load
// HOST:           gpu.terminator
// HOST:         call @sieve_gpu_sort_pairs_by_expert
func.func @route(%e: memref<?x2xi32>, %p: memref<?xi32>, %o: memref<9xi32>, %x: memref<?xf32>) {
  sieve.dispatch ins(%e : memref<?x2xi32>) outs(%p, %o : memref<?xi32>, memref<9xi32>) {num_experts = 8 : i64}
  %c0 = arith.constant 0 : index
  %v = memref.load %o[%c0] : memref<9xi32>
  %f = arith.sitofp %v : i32 to f32
  memref.store %f, %x[%c0] : memref<?xf32>
  sieve.dispatch ins(%e : memref<?x2xi32>) outs(%p, %o : memref<?xi32>, memref<9xi32>) {num_experts = 8 : i64}
  return
}

// -----

// CHECK-LABEL: func.func @many_experts
// CHECK-NOT:     call
// CHECK:         sieve.dispatch
func.func @many_experts(%e: memref<?x1xi32>, %p: memref<?xi32>, %o: memref<2049xi32>) {
  sieve.dispatch ins(%e : memref<?x1xi32>) outs(%p, %o : memref<?xi32>, memref<2049xi32>) {num_experts = 2048 : i64}
  return
}
