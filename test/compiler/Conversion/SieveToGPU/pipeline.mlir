// Pipelined tiles: with stages = 3 the shared tiles are a ring of three
// buffers filled by cp.async, two reduction steps ahead: a prologue issues
// steps 0 and 1 (each a commit group), then every step waits until one
// group is pending, scales its own staged elements (weight gradient with
// gates), meets the block at a barrier, issues the step two ahead and
// multiplies. Out-of-operand elements are zero-filled copies (source size
// 0). With split-k = 4 each expert's weight-gradient reduction is spread
// over four blocks that add their parts atomically.
// RUN: sieve-opt %s -split-input-file --sieve-convert-cvmm-to-gpu="stages=3 split-k=4" | FileCheck %s
// RUN: sieve-opt %s -split-input-file --sieve-convert-cvmm-to-gpu="precision=bf16 stages=2 k-tile=32" | FileCheck %s --check-prefix=TWO

// CHECK-LABEL: func.func @cvmm_tokens
// CHECK:         gpu.launch {{.*}}workgroup(%[[A:.*]] : memref<3x64x20xf32, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<3x16x72xf32, #gpu.address_space<workgroup>>)
// CHECK:           scf.if
// CHECK:             nvgpu.device_async_copy %{{.*}}[%{{.*}}, %{{.*}}], %[[A]][%c0{{[_0-9]*}}, %{{.*}}, %{{.*}}], 1, %{{.*}} : memref<?x32xf32> to memref<3x64x20xf32, #gpu.address_space<workgroup>>
// CHECK:             nvgpu.device_async_copy %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}], %[[B]][%c0{{[_0-9]*}}, %{{.*}}, %{{.*}}], 1, %{{.*}} : memref<4x32x64xf32> to memref<3x16x72xf32, #gpu.address_space<workgroup>>
// CHECK:             nvvm.cp.async.commit.group
// CHECK:             nvgpu.device_async_copy {{.*}}%[[A]][%c1{{[_0-9]*}},
// CHECK:             nvvm.cp.async.commit.group
// CHECK:             scf.for {{.*}} iter_args
// CHECK:               nvvm.cp.async.wait.group 1
// CHECK-NOT:           arith.mulf
// CHECK:               gpu.barrier
// CHECK:               nvgpu.device_async_copy
// CHECK:               nvvm.cp.async.commit.group
// CHECK-COUNT-8:       vector.outerproduct
// CHECK:               scf.yield
// CHECK:             nvvm.cp.async.wait.group 0
// CHECK:           memref.atomic_rmw addf
func.func @cvmm_tokens(%h: memref<?x32xf32>, %w: memref<4x32x64xf32>, %s: memref<?x2xf32>, %p: memref<?xi32>, %o: memref<5xi32>, %y: memref<?x64xf32>) {
  sieve.cvmm ins(%h, %w, %p, %o : memref<?x32xf32>, memref<4x32x64xf32>, memref<?xi32>, memref<5xi32>) scale(%s : memref<?x2xf32>) outs(%y : memref<?x64xf32>) {k = 2 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>}
  return
}

// -----

// Split-K: the grid's z is N_E x 4; block z takes expert z / 4 and its
// part z mod 4 of the expert's reduction steps. The gates scale the staged
// input rows in place once the thread's copies have landed.
// CHECK-LABEL: func.func @weight_grad
// CHECK:         %[[E:.*]] = memref.dim %{{.*}}, %c0 : memref<4x64x32xf32>
// CHECK:         %[[Z:.*]] = arith.muli %[[E]], %c4
// CHECK:         gpu.launch blocks(%{{.*}}, %{{.*}}, %[[BZ:.*]]) in ({{.*}}, {{.*}}, %{{.*}} = %[[Z]])
// CHECK:           arith.divui %[[BZ]], %c4
// CHECK:           arith.remui %[[BZ]], %c4
// CHECK:           scf.for {{.*}} iter_args
// CHECK:             nvvm.cp.async.wait.group 1
// CHECK:             scf.if
// CHECK:               memref.load %{{.*}} : memref<?x2xf32>
// CHECK:               arith.mulf
// CHECK:               memref.store {{.*}} : memref<3x64x20xf32, #gpu.address_space<workgroup>>
// CHECK:             gpu.barrier
// CHECK:           memref.atomic_rmw addf {{.*}} : (f32, memref<4x64x32xf32>) -> f32
func.func @weight_grad(%x: memref<?x64xf32>, %g: memref<?x32xf32>, %s: memref<?x2xf32>, %p: memref<?xi32>, %o: memref<5xi32>, %dw: memref<4x64x32xf32>) {
  sieve.cvmm_weight_grad ins(%x, %g, %p, %o : memref<?x64xf32>, memref<?x32xf32>, memref<?xi32>, memref<5xi32>) scale(%s : memref<?x2xf32>) outs(%dw : memref<4x64x32xf32>) {k = 2 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>}
  return
}

// Two stages, bf16 fragments read from the ring's buffer.
// TWO-LABEL: func.func @cvmm_tokens
// TWO:         workgroup(%{{.*}} : memref<2x64x36xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<2x32x72xf32, #gpu.address_space<workgroup>>)
// TWO:           nvvm.cp.async.wait.group 0
// TWO:           nvvm.mma.sync
