// The warpgroup MMA kernels' tunables: a (64 warps-m) x (64 warps-n) tile,
// a ring of `stages` tile buffers, the weight gradient split over `split-k`
// blocks.
// RUN: sieve-opt %s -split-input-file --sieve-convert-cvmm-to-gpu="wgmma=true warps-m=1 warps-n=4 stages=3 split-k=2" | FileCheck %s
// Two stages: no TMA lookahead, the current step's boxes are requested in
// its own iteration while the previous multiply is in flight.
// RUN: sieve-opt %s -split-input-file --sieve-convert-cvmm-to-gpu="wgmma=true stages=2" | FileCheck %s --check-prefix=TWO
// A 128 x 256 tile would need 256 accumulator registers a thread: no
// warpgroup form, so the mma.sync kernel.
// RUN: sieve-opt %s -split-input-file --sieve-convert-cvmm-to-gpu="wgmma=true warps-m=2 warps-n=4" | FileCheck %s --check-prefix=NOFORM

// 64 x 256 tiles, three stages: 3 x (8 KiB of A + 32 KiB of B) + 1 KiB of
// alignment, an mbarrier a stage. The weight comes as four N-major boxes a
// step; one step's boxes are requested before the loop and each iteration
// requests the next step's (into the buffer two steps back), waits for one
// wgmma group at most to be in flight before rewriting a buffer, and waits
// for phase parity (i / 3) % 2 of its buffer's barrier.
// CHECK-LABEL: func.func @cvmm_tokens
// CHECK:         %[[BYTES:.*]] = arith.constant 123904 : i32
// CHECK:         gpu.launch {{.*}} dynamic_shared_memory_size %[[BYTES]]
// CHECK:           %[[BAR:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 3>
// CHECK-COUNT-3:   nvgpu.mbarrier.init %[[BAR]]
// CHECK:           nvgpu.tma.fence.descriptor
// CHECK:           scf.if
// CHECK:             nvgpu.mbarrier.arrive.expect_tx %[[BAR]][%{{.*}}], %c32768
// CHECK-COUNT-4:     nvgpu.tma.async.load
// CHECK:           scf.for {{.*}} -> (!llvm.struct<(f32,
// CHECK:             arith.remui %{{.*}}, %c3
// CHECK:             nvvm.wgmma.wait.group.sync.aligned 1
// CHECK-NEXT:        gpu.barrier
// CHECK:             scf.if
// CHECK:               nvgpu.mbarrier.arrive.expect_tx %[[BAR]]
// CHECK-COUNT-4:       nvgpu.tma.async.load
// CHECK:             memref.view {{.*}} to memref<64x64xbf16, 3>
// CHECK:             memref.view {{.*}} to memref<4x64x64xbf16, 3>
// CHECK:             nvvm.fence.proxy
// CHECK:             arith.divui %{{.*}}, %c3
// CHECK:             nvgpu.mbarrier.try_wait.parity %[[BAR]]
// CHECK-NEXT:        nvvm.wgmma.fence.aligned
// CHECK-COUNT-4:     nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 16>
// CHECK-NEXT:        nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT:        scf.yield
// CHECK:           nvvm.wgmma.wait.group.sync.aligned 0
// CHECK:           llvm.extractvalue

// TWO-LABEL: func.func @cvmm_tokens
// TWO:         arith.constant 66560 : i32
// TWO:           nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 2>
// TWO:           nvgpu.tma.fence.descriptor
// TWO-NOT:       nvgpu.tma.async.load
// TWO:           scf.for
// TWO:             nvvm.wgmma.wait.group.sync.aligned 1
// TWO-NEXT:        gpu.barrier
// TWO:             nvgpu.mbarrier.arrive.expect_tx
// TWO-COUNT-2:     nvgpu.tma.async.load
// TWO:             nvvm.wgmma.commit.group.sync.aligned
// TWO-NEXT:        scf.yield
// TWO:           nvvm.wgmma.wait.group.sync.aligned 0

// NOFORM-LABEL: func.func @cvmm_tokens
// NOFORM-NOT:     nvvm.wgmma
// NOFORM:         gpu.launch {{.*}} workgroup(
// NOFORM-NOT:     nvvm.wgmma
func.func @cvmm_tokens(%x: memref<?x64xbf16>, %w: memref<4x64x256xbf16>, %p: memref<?xi32>, %o: memref<5xi32>, %h: memref<?x256xbf16>) {
  sieve.cvmm ins(%x, %w, %p, %o : memref<?x64xbf16>, memref<4x64x256xbf16>, memref<?xi32>, memref<5xi32>) outs(%h : memref<?x256xbf16>) {k = 2 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>}
  return
}

// -----

// Split-K 2: blocks (z = expert * 2 + part) take halves of the expert's
// reduction steps and add their tiles atomically; both tiles are stored by
// the threads into the three-buffer ring, no TMA.
// CHECK-LABEL: func.func @weight_grad
// CHECK:         %[[EXPERTS:.*]] = memref.dim %{{.*}}, %c0 : memref<4x64x256xbf16>
// CHECK:         %[[BLOCKS:.*]] = arith.muli %[[EXPERTS]], %c2
// CHECK:         arith.constant 123904 : i32
// CHECK:         gpu.launch blocks({{.*}}) in ({{.*}}, %{{.*}} = %[[BLOCKS]])
// CHECK:           arith.divui %{{.*}}, %c2
// CHECK:           arith.remui %{{.*}}, %c2
// CHECK:           arith.ceildivui %{{.*}}, %c2
// CHECK-NOT:       nvgpu.tma.async.load
// CHECK:           scf.for
// CHECK:             nvvm.wgmma.wait.group.sync.aligned 1
// CHECK-NOT:         nvgpu.mbarrier.try_wait.parity
// CHECK-COUNT-4:     nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 16>{{.*}} B[<bf16>, <one>, <col>]
// CHECK:           memref.atomic_rmw addf %{{.*}} : (bf16, memref<4x64x256xbf16>) -> bf16
func.func @weight_grad(%x: memref<?x64xbf16>, %g: memref<?x256xbf16>, %p: memref<?xi32>, %o: memref<5xi32>, %dw: memref<4x64x256xbf16>) {
  sieve.cvmm_weight_grad ins(%x, %g, %p, %o : memref<?x64xbf16>, memref<?x256xbf16>, memref<?xi32>, memref<5xi32>) outs(%dw : memref<4x64x256xbf16>) {k = 2 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>}
  return
}
