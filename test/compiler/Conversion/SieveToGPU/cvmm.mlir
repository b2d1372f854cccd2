// CVMM and its weight gradient on f32 buffers become tiled GPU kernels:
// a block of 2 x 2 warps (128 threads) per tile, the A and B tiles in
// shared memory, fragments computed with FMAs (f32) or the tensor cores
// (tf32); bf16 and f16 buffers are widened into the same tiles.
// RUN: sieve-opt %s -split-input-file --sieve-convert-cvmm-to-gpu | FileCheck %s --check-prefixes=CHECK,F32
// RUN: sieve-opt %s -split-input-file --sieve-convert-cvmm-to-gpu="precision=tf32 warps-m=1 warps-n=2 k-tile=32" | FileCheck %s --check-prefixes=CHECK,TF32
// RUN: sieve-opt %s -split-input-file --sieve-convert-cvmm-to-gpu="precision=f16" | FileCheck %s --check-prefixes=CHECK,HALF,F16
// RUN: sieve-opt %s -split-input-file --sieve-convert-cvmm-to-gpu="precision=bf16" | FileCheck %s --check-prefixes=CHECK,HALF,BF16

// Sorted output rows: one block per (row tile of one expert, column tile);
// the grid's row tiles are ceil(pairs / tileM) + N_E, and a block finds
// its expert by walking the offsets. Token input rows are gathered through
// the sorted pairs; each output element is written by one block.
// CHECK-LABEL: func.func @cvmm_sorted
// HALF:          gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c128{{.*}}workgroup(%[[A:.*]] : memref<64x20xf32, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<16x72xf32, #gpu.address_space<workgroup>>)
// F32:           gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c128{{.*}}workgroup(%[[A:.*]] : memref<64x20xf32, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<16x72xf32, #gpu.address_space<workgroup>>)
// TF32:          gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c64{{.*}}workgroup(%[[A:.*]] : memref<32x36xf32, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<32x72xf32, #gpu.address_space<workgroup>>)
// CHECK:           scf.for {{.*}} iter_args
// CHECK:             memref.load %{{.*}}[%{{.*}}] : memref<5xi32>
// CHECK:           scf.if
// CHECK:             scf.for {{.*}} iter_args
// CHECK:               gpu.barrier
// CHECK:               memref.load %{{.*}}[%{{.*}}] : memref<?xi32>
// CHECK:               memref.store {{.*}}, %[[A]]
// CHECK:               memref.store {{.*}}, %[[B]]
// CHECK:               gpu.barrier
// F32-COUNT-8:         vector.outerproduct
// TF32:                nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 8], tf32Enabled} : (vector<4x1xf32>, vector<2x1xf32>, vector<2x2xf32>) -> vector<2x2xf32>
// HALF:                arith.truncf
// F16:                 nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// BF16:                nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// CHECK:             vector.extract
// CHECK:             memref.store
// CHECK-NOT:       memref.atomic_rmw
// CHECK:           gpu.terminator
// CHECK-NOT:     sieve.cvmm
func.func @cvmm_sorted(%x: memref<?x64xf32>, %w: memref<4x64x32xf32>, %p: memref<?xi32>, %o: memref<5xi32>, %h: memref<?x32xf32>) {
  sieve.cvmm ins(%x, %w, %p, %o : memref<?x64xf32>, memref<4x64x32xf32>, memref<?xi32>, memref<5xi32>) outs(%h : memref<?x32xf32>) {k = 2 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>}
  return
}

// -----

// Token output rows: the K pairs of a token come from different blocks, so
// they are added atomically, each scaled by its gate.
// CHECK-LABEL: func.func @cvmm_tokens
// CHECK:         gpu.launch
// CHECK:           memref.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<?x2xf32>
// CHECK:           memref.atomic_rmw addf
func.func @cvmm_tokens(%h: memref<?x32xf32>, %w: memref<4x32x64xf32>, %s: memref<?x2xf32>, %p: memref<?xi32>, %o: memref<5xi32>, %y: memref<?x64xf32>) {
  sieve.cvmm ins(%h, %w, %p, %o : memref<?x32xf32>, memref<4x32x64xf32>, memref<?xi32>, memref<5xi32>) scale(%s : memref<?x2xf32>) outs(%y : memref<?x64xf32>) {k = 2 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>}
  return
}

// -----

// The weight gradient: a block per (m tile, column tile, expert), reducing
// over the expert's rows in order, one store per element: no atomics.
// CHECK-LABEL: func.func @weight_grad
// CHECK:         %[[E:.*]] = memref.dim %{{.*}}, %c0 : memref<4x64x32xf32>
// CHECK:         gpu.launch blocks(%{{.*}}, %{{.*}}, %[[Z:.*]]) in ({{.*}}, {{.*}}, %{{.*}} = %[[E]])
// CHECK:           memref.load %{{.*}}[%[[Z]]] : memref<5xi32>
// CHECK:           gpu.barrier
// CHECK-NOT:       memref.atomic_rmw
// CHECK:           memref.store {{.*}} : memref<4x64x32xf32>
func.func @weight_grad(%x: memref<?x64xf32>, %g: memref<?x32xf32>, %p: memref<?xi32>, %o: memref<5xi32>, %dw: memref<4x64x32xf32>) {
  sieve.cvmm_weight_grad ins(%x, %g, %p, %o : memref<?x64xf32>, memref<?x32xf32>, memref<?xi32>, memref<5xi32>) outs(%dw : memref<4x64x32xf32>) {k = 2 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>}
  return
}

// -----

// f16 operands are widened into the f32 tiles as they are loaded; sums
// are rounded to f16 once, when added to the output.
// CHECK-LABEL: func.func @cvmm_f16
// CHECK:         gpu.launch
// CHECK:           memref.load %{{.*}} : memref<?x64xf16>
// CHECK-NEXT:      arith.extf %{{.*}} : f16 to f32
// CHECK:           %[[SUM:.*]] = arith.addf
// CHECK-NEXT:      %[[ROUNDED:.*]] = arith.truncf %[[SUM]] : f32 to f16
// CHECK-NEXT:      memref.store %[[ROUNDED]], %{{.*}} : memref<?x32xf16>
// CHECK-NOT:     sieve.cvmm
func.func @cvmm_f16(%x: memref<?x64xf16>, %w: memref<4x64x32xf16>, %p: memref<?xi32>, %o: memref<5xi32>, %h: memref<?x32xf16>) {
  sieve.cvmm ins(%x, %w, %p, %o : memref<?x64xf16>, memref<4x64x32xf16>, memref<?xi32>, memref<5xi32>) outs(%h : memref<?x32xf16>) {k = 2 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>}
  return
}
