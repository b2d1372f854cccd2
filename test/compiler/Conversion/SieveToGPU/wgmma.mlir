// With wgmma (sm_90a), CVMMs on bf16 / f16 buffers become warpgroup MMA
// kernels: one warpgroup (128 threads) a block, by default 128 x 128
// outputs as two m64n128k16 accumulators, operand tiles of 64-element rows
// in the 128-byte swizzle in a ring of 1024-byte aligned buffers in dynamic
// shared memory, the expert's weight tile by TMA through a tensor map the
// runtime makes on the host.
// RUN: sieve-opt %s -split-input-file --sieve-convert-cvmm-to-gpu="wgmma=true" | FileCheck %s
// The tunables (warps-m 1, warps-n 4: 64 x 256 tiles; 3 stages; split-K 2)
// shape the same kernels; see wgmma-tiles.mlir.

// The plain weight (N_E, in, out) comes as two N-major [64 k][64 n] boxes,
// which wgmma reads transposed (NVVM's B layout row); token rows are
// gathered by the threads into the A tile, whose 16-byte chunks are
// swizzled by the row (xori), and made visible to the tensor cores' async
// proxy before the barrier. Thread 0 expects the boxes' 16384 bytes on the
// mbarrier and issues the copies; all wait for the step's phase parity.
// The ring (one stage: 16 KiB of A, 16 KiB of B) starts at the first
// 1024-byte boundary past the dynamic symbol, 1 KiB more being asked for.
// CHECK-DAG:   func.func private @sieve_gpu_tensor_map_bf16(memref<?x?x?xbf16>, i64) -> !llvm.ptr attributes {llvm.emit_c_interface, sieve.runtime_call}
// CHECK-LABEL: func.func @cvmm_tokens
// CHECK:         %[[CAST:.*]] = memref.cast %{{.*}} : memref<4x64x256xbf16> to memref<?x?x?xbf16>
// CHECK:         %[[MAP:.*]] = call @sieve_gpu_tensor_map_bf16(%[[CAST]], %c64_i64)
// CHECK:         %[[BYTES:.*]] = arith.constant 33792 : i32
// CHECK:         gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c128{{.*}} dynamic_shared_memory_size %[[BYTES]]
// CHECK:           %[[DYNAMIC:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK:           %[[RING:.*]] = memref.memory_space_cast %[[DYNAMIC]] : memref<?xi8, #gpu.address_space<workgroup>> to memref<?xi8, 3>
// CHECK:           %[[BASE:.*]] = memref.extract_aligned_pointer_as_index %[[RING]]
// CHECK:           %[[NEXT:.*]] = arith.addi %[[BASE]], %c1024
// CHECK:           %[[BLOCKS:.*]] = arith.divui %[[NEXT]], %c1024
// CHECK:           %[[ALIGNED:.*]] = arith.muli %[[BLOCKS]], %c1024
// CHECK:           %[[START:.*]] = arith.subi %[[ALIGNED]], %[[BASE]]
// CHECK:           %[[BAR:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>>
// CHECK:           nvgpu.mbarrier.init %[[BAR]][%{{.*}}], %{{.*}}, predicate =
// CHECK-NOT:       nvgpu.mbarrier.init
// CHECK:           scf.if
// CHECK:             builtin.unrealized_conversion_cast %[[MAP]] : !llvm.ptr to !nvgpu.tensormap.descriptor<tensor = memref<1x64x64xbf16, 3>, swizzle = swizzle_128b, l2promo = l2promo_128b, oob = zero, interleave = none>
// CHECK:             nvgpu.tma.fence.descriptor
// CHECK:           scf.for {{.*}} iter_args({{.*}}) -> (!llvm.struct<(f32,
// CHECK:             gpu.barrier
// CHECK:             nvgpu.mbarrier.arrive.expect_tx %[[BAR]][%{{.*}}], %c16384
// CHECK:             memref.view %[[RING]][%{{.*}}][] : memref<?xi8, 3> to memref<1x64x64xbf16, 3>
// CHECK:             nvgpu.tma.async.load
// CHECK:             memref.view %[[RING]][%{{.*}}][] : memref<?xi8, 3> to memref<1x64x64xbf16, 3>
// CHECK:             nvgpu.tma.async.load
// CHECK:           memref.view %[[RING]][%{{.*}}][] : memref<?xi8, 3> to memref<128x64xbf16, 3>
// CHECK:           memref.view %[[RING]][%{{.*}}][] : memref<?xi8, 3> to memref<2x64x64xbf16, 3>
// CHECK:             arith.xori
// CHECK:             memref.load %{{.*}} : memref<?xi32>
// CHECK:             nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT:        gpu.barrier
// CHECK:             nvgpu.mbarrier.try_wait.parity %[[BAR]]
// CHECK-NEXT:        nvvm.wgmma.fence.aligned
// CHECK-COUNT-8:     nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <row>]
// CHECK:             nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT:        nvvm.wgmma.wait.group.sync.aligned 0
// CHECK:           llvm.extractvalue
// CHECK:           arith.truncf %{{.*}} : f32 to bf16
// CHECK-NEXT:      memref.store %{{.*}} : memref<?x256xbf16>
// CHECK-NOT:     sieve.cvmm
func.func @cvmm_tokens(%x: memref<?x64xbf16>, %w: memref<4x64x256xbf16>, %p: memref<?xi32>, %o: memref<5xi32>, %h: memref<?x256xbf16>) {
  sieve.cvmm ins(%x, %w, %p, %o : memref<?x64xbf16>, memref<4x64x256xbf16>, memref<?xi32>, memref<5xi32>) outs(%h : memref<?x256xbf16>) {k = 2 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>}
  return
}

// -----

// The transposed weight (N_E, out, in) is K-major as stored: one
// [128 n][64 k] box (B layout col); token outputs are scaled by the gates
// and added atomically, in f16.
// CHECK-LABEL: func.func @cvmm_transposed
// CHECK:         call @sieve_gpu_tensor_map_f16(%{{.*}}, %c128_i64)
// CHECK:         gpu.launch
// CHECK:             nvgpu.mbarrier.arrive.expect_tx %{{.*}}, %c16384
// CHECK:             memref.view {{.*}} to memref<1x128x64xf16, 3>
// CHECK:             nvgpu.tma.async.load {{.*}} : <tensor = memref<1x128x64xf16, 3>
// CHECK-NOT:         nvgpu.tma.async.load
// CHECK:             memref.view {{.*}} to memref<128x64xf16, 3>
// CHECK-COUNT-8:     nvvm.wgmma.mma_async {{.*}} A[<f16>, <one>, <row>], B[<f16>, <one>, <col>]
// CHECK:           memref.load %{{.*}} : memref<?x2xf16>
// CHECK:           memref.atomic_rmw addf %{{.*}} : (f16, memref<?x256xf16>) -> f16
func.func @cvmm_transposed(%h: memref<?x64xf16>, %w: memref<4x256x64xf16>, %s: memref<?x2xf16>, %p: memref<?xi32>, %o: memref<5xi32>, %y: memref<?x256xf16>) {
  sieve.cvmm ins(%h, %w, %p, %o : memref<?x64xf16>, memref<4x256x64xf16>, memref<?xi32>, memref<5xi32>) scale(%s : memref<?x2xf16>) outs(%y : memref<?x256xf16>) {k = 2 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>, transpose_weight}
  return
}

// -----

// The weight gradient reduces over the expert's (gathered) rows: both tiles
// are K-major and stored by the threads, no tensor map, no TMA; a block per
// (m tile, column tile, expert) adds its tile once.
// CHECK-LABEL: func.func @weight_grad
// CHECK-NOT:     call @sieve_gpu_tensor_map
// CHECK:         gpu.launch
// CHECK-NOT:       nvgpu.tma.async.load
// CHECK:           memref.view {{.*}} to memref<128x64xbf16, 3>
// CHECK:           arith.xori
// CHECK:           arith.xori
// CHECK-NOT:       nvgpu.mbarrier.try_wait.parity
// CHECK-COUNT-8:   nvvm.wgmma.mma_async {{.*}} B[<bf16>, <one>, <col>]
// CHECK-NOT:       memref.atomic_rmw
// CHECK:           memref.store %{{.*}} : memref<4x64x256xbf16>
func.func @weight_grad(%x: memref<?x64xbf16>, %g: memref<?x256xbf16>, %p: memref<?xi32>, %o: memref<5xi32>, %dw: memref<4x64x256xbf16>) {
  sieve.cvmm_weight_grad ins(%x, %g, %p, %o : memref<?x64xbf16>, memref<?x256xbf16>, memref<?xi32>, memref<5xi32>) outs(%dw : memref<4x64x256xbf16>) {k = 2 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>}
  return
}

// -----

// A weight TMA cannot read (rows of 60 elements: not a multiple of 16
// bytes) and f32 buffers keep the mma.sync / FMA tiles.
// CHECK-LABEL: func.func @odd_rows
// CHECK-NOT:     nvvm.wgmma.mma_async
// CHECK:         gpu.launch {{.*}} workgroup(
// CHECK-NOT:     nvvm.wgmma.mma_async
// CHECK-LABEL: func.func @f32
// CHECK-NOT:     nvvm.wgmma.mma_async
// CHECK:         gpu.launch {{.*}} workgroup(
// CHECK-NOT:     nvvm.wgmma.mma_async
func.func @odd_rows(%x: memref<?x64xbf16>, %w: memref<4x64x60xbf16>, %p: memref<?xi32>, %o: memref<5xi32>, %h: memref<?x60xbf16>) {
  sieve.cvmm ins(%x, %w, %p, %o : memref<?x64xbf16>, memref<4x64x60xbf16>, memref<?xi32>, memref<5xi32>) outs(%h : memref<?x60xbf16>) {k = 2 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>}
  return
}
func.func @f32(%x: memref<?x64xf32>, %w: memref<4x64x64xf32>, %p: memref<?xi32>, %o: memref<5xi32>, %h: memref<?x64xf32>) {
  sieve.cvmm ins(%x, %w, %p, %o : memref<?x64xf32>, memref<4x64x64xf32>, memref<?xi32>, memref<5xi32>) outs(%h : memref<?x64xf32>) {k = 2 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>}
  return
}
