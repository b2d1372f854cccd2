// The GPU loop forms, executed: sieve-convert-to-scf{gpu}'s gather_sum (an
// iteration per output element) and sieve-split-matmul-reductions' chunked
// token sums, lowered to LLVM for this CPU and run by mlir-runner against
// plain loops written out below. The inputs are small multiples of 1/4, so
// every sum is exact in f32 whatever its order: the forms must agree with
// the plain loops exactly, on a token count that is not a multiple of the
// chunk size (100 tokens, chunks of 7).
// RUN: sieve-opt %s --sieve-convert-to-scf=gpu=true --sieve-split-matmul-reductions=chunk-size=7 --convert-linalg-to-loops --convert-scf-to-cf --expand-strided-metadata --finalize-memref-to-llvm --convert-to-llvm --reconcile-unrealized-casts | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s
// CHECK: gather_sum max difference: 0
// CHECK-NEXT: gather_sum checksum: -1
// CHECK-NEXT: matmul max difference: 0
// CHECK-NEXT: matmul checksum: 2.25
// What ran is the GPU forms: the gather-sum's (token, column) nest and the
// matmul's two nests, no linalg.matmul left.
// RUN: sieve-opt %s --sieve-convert-to-scf=gpu=true --sieve-split-matmul-reductions=chunk-size=7 | FileCheck %s --check-prefix=FORMS
// FORMS-LABEL: func.func @run_gather_sum
// FORMS: scf.parallel (%{{.*}}, %{{.*}}) =
// FORMS-LABEL: func.func @weight_grad
// FORMS: scf.parallel (%{{.*}}, %{{.*}}, %{{.*}}) =
// FORMS: scf.parallel (%{{.*}}, %{{.*}}) =
// FORMS-NOT: linalg.matmul

func.func private @printString(!llvm.ptr)
func.func private @printF32(f32)
func.func private @printNewline()

llvm.mlir.global internal constant @gather_diff_text("gather_sum max difference: \00")
llvm.mlir.global internal constant @gather_sum_text("gather_sum checksum: \00")
llvm.mlir.global internal constant @matmul_diff_text("matmul max difference: \00")
llvm.mlir.global internal constant @matmul_sum_text("matmul checksum: \00")

func.func @print(%label: !llvm.ptr, %value: f32) {
  func.call @printString(%label) : (!llvm.ptr) -> ()
  func.call @printF32(%value) : (f32) -> ()
  func.call @printNewline() : () -> ()
  return
}

// ((a * i + b * j) mod 9 - 4) / 4: small, exact in f32.
func.func @fill(%m: memref<?x?xf32>, %a: index, %b: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c9 = arith.constant 9 : index
  %four = arith.constant 4.0 : f32
  %rows = memref.dim %m, %c0 : memref<?x?xf32>
  %cols = memref.dim %m, %c1 : memref<?x?xf32>
  scf.for %i = %c0 to %rows step %c1 {
    scf.for %j = %c0 to %cols step %c1 {
      %ai = arith.muli %a, %i : index
      %bj = arith.muli %b, %j : index
      %s = arith.addi %ai, %bj : index
      %r = arith.remui %s, %c9 : index
      %ri = arith.index_cast %r : index to i32
      %rf = arith.sitofp %ri : i32 to f32
      %centred = arith.subf %rf, %four : f32
      %v = arith.divf %centred, %four : f32
      memref.store %v, %m[%i, %j] : memref<?x?xf32>
    }
  }
  return
}

// The largest |a - b| over two equally shaped buffers, and b's sum.
func.func @compare(%a: memref<?x?xf32>, %b: memref<?x?xf32>) -> (f32, f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %rows = memref.dim %a, %c0 : memref<?x?xf32>
  %cols = memref.dim %a, %c1 : memref<?x?xf32>
  %r:2 = scf.for %i = %c0 to %rows step %c1 iter_args(%m = %zero, %s = %zero) -> (f32, f32) {
    %q:2 = scf.for %j = %c0 to %cols step %c1 iter_args(%m2 = %m, %s2 = %s) -> (f32, f32) {
      %x = memref.load %a[%i, %j] : memref<?x?xf32>
      %y = memref.load %b[%i, %j] : memref<?x?xf32>
      %d = arith.subf %x, %y : f32
      %ad = math.absf %d : f32
      %nm = arith.maximumf %m2, %ad : f32
      %ns = arith.addf %s2, %y : f32
      scf.yield %nm, %ns : f32, f32
    }
    scf.yield %q#0, %q#1 : f32, f32
  }
  return %r#0, %r#1 : f32, f32
}

func.func @run_gather_sum(%w: memref<?x?xf32>, %idx: memref<?x?xi32>, %table: memref<?x?xf32>, %out: memref<?x?xf32>) {
  sieve.gather_sum ins(%w, %idx, %table : memref<?x?xf32>, memref<?x?xi32>, memref<?x?xf32>) outs(%out : memref<?x?xf32>)
  return
}

#xT = affine_map<(d0, d1, d2) -> (d2, d0)>
#dM = affine_map<(d0, d1, d2) -> (d2, d1)>
#wM = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @weight_grad(%x: memref<?x?xf32>, %d: memref<?x?xf32>, %w: memref<?x?xf32>) {
  linalg.matmul indexing_maps = [#xT, #dM, #wM] ins(%x, %d : memref<?x?xf32>, memref<?x?xf32>) outs(%w : memref<?x?xf32>)
  return
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c6 = arith.constant 6 : index
  %c7 = arith.constant 7 : index
  %c13 = arith.constant 13 : index
  %c100 = arith.constant 100 : index
  %zero = arith.constant 0.0 : f32

  // gather_sum: 100 tokens x 6 selected rows of a 13 x 5 table, the
  // output starting from a filled buffer (it accumulates).
  %w = memref.alloc(%c100, %c6) : memref<?x?xf32>
  %table = memref.alloc(%c13, %c5) : memref<?x?xf32>
  %idx = memref.alloc(%c100, %c6) : memref<?x?xi32>
  %out = memref.alloc(%c100, %c5) : memref<?x?xf32>
  %ref = memref.alloc(%c100, %c5) : memref<?x?xf32>
  func.call @fill(%w, %c5, %c2) : (memref<?x?xf32>, index, index) -> ()
  func.call @fill(%table, %c3, %c7) : (memref<?x?xf32>, index, index) -> ()
  func.call @fill(%out, %c1, %c1) : (memref<?x?xf32>, index, index) -> ()
  func.call @fill(%ref, %c1, %c1) : (memref<?x?xf32>, index, index) -> ()
  scf.for %t = %c0 to %c100 step %c1 {
    scf.for %j = %c0 to %c6 step %c1 {
      %tj = arith.muli %t, %c7 : index
      %s = arith.addi %tj, %j : index
      %r = arith.remui %s, %c13 : index
      %ri = arith.index_cast %r : index to i32
      memref.store %ri, %idx[%t, %j] : memref<?x?xi32>
    }
  }
  func.call @run_gather_sum(%w, %idx, %table, %out) : (memref<?x?xf32>, memref<?x?xi32>, memref<?x?xf32>, memref<?x?xf32>) -> ()
  scf.for %t = %c0 to %c100 step %c1 {
    scf.for %j = %c0 to %c6 step %c1 {
      %wt = memref.load %w[%t, %j] : memref<?x?xf32>
      %ri = memref.load %idx[%t, %j] : memref<?x?xi32>
      %row = arith.index_cast %ri : i32 to index
      scf.for %c = %c0 to %c5 step %c1 {
        %v = memref.load %table[%row, %c] : memref<?x?xf32>
        %p = arith.mulf %wt, %v : f32
        %old = memref.load %ref[%t, %c] : memref<?x?xf32>
        %new = arith.addf %old, %p : f32
        memref.store %new, %ref[%t, %c] : memref<?x?xf32>
      }
    }
  }
  %g:2 = func.call @compare(%out, %ref) : (memref<?x?xf32>, memref<?x?xf32>) -> (f32, f32)
  %gd = llvm.mlir.addressof @gather_diff_text : !llvm.ptr
  func.call @print(%gd, %g#0) : (!llvm.ptr, f32) -> ()
  %gs = llvm.mlir.addressof @gather_sum_text : !llvm.ptr
  func.call @print(%gs, %g#1) : (!llvm.ptr, f32) -> ()

  // dW = xᵀ d over 100 tokens (14 full chunks of 7 and one of 2),
  // accumulating into a filled output.
  %x = memref.alloc(%c100, %c5) : memref<?x?xf32>
  %d = memref.alloc(%c100, %c3) : memref<?x?xf32>
  %dw = memref.alloc(%c5, %c3) : memref<?x?xf32>
  %dwRef = memref.alloc(%c5, %c3) : memref<?x?xf32>
  func.call @fill(%x, %c3, %c5) : (memref<?x?xf32>, index, index) -> ()
  func.call @fill(%d, %c7, %c2) : (memref<?x?xf32>, index, index) -> ()
  func.call @fill(%dw, %c2, %c3) : (memref<?x?xf32>, index, index) -> ()
  func.call @fill(%dwRef, %c2, %c3) : (memref<?x?xf32>, index, index) -> ()
  func.call @weight_grad(%x, %d, %dw) : (memref<?x?xf32>, memref<?x?xf32>, memref<?x?xf32>) -> ()
  scf.for %i = %c0 to %c5 step %c1 {
    scf.for %e = %c0 to %c3 step %c1 {
      %init = memref.load %dwRef[%i, %e] : memref<?x?xf32>
      %sum = scf.for %t = %c0 to %c100 step %c1 iter_args(%acc = %init) -> (f32) {
        %a = memref.load %x[%t, %i] : memref<?x?xf32>
        %b = memref.load %d[%t, %e] : memref<?x?xf32>
        %p = arith.mulf %a, %b : f32
        %n = arith.addf %acc, %p : f32
        scf.yield %n : f32
      }
      memref.store %sum, %dwRef[%i, %e] : memref<?x?xf32>
    }
  }
  %m:2 = func.call @compare(%dw, %dwRef) : (memref<?x?xf32>, memref<?x?xf32>) -> (f32, f32)
  %md = llvm.mlir.addressof @matmul_diff_text : !llvm.ptr
  func.call @print(%md, %m#0) : (!llvm.ptr, f32) -> ()
  %ms = llvm.mlir.addressof @matmul_sum_text : !llvm.ptr
  func.call @print(%ms, %m#1) : (!llvm.ptr, f32) -> ()
  return
}
