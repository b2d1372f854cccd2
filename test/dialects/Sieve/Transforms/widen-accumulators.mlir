// RUN: sieve-opt %s -split-input-file -sieve-widen-accumulators | FileCheck %s

// A bf16 matmul from a zero fill: the fill becomes an f32 fill of the same
// constant, the matmul sums its (extended) bf16 products into f32, and the
// result is rounded to bf16 once.
// CHECK-LABEL: func.func @matmul_from_fill(
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[EMPTY:.*]] = tensor.empty({{.*}}) : tensor<?x16xf32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<?x16xf32>)
// CHECK: %[[SUM:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x8xbf16>, tensor<8x16xbf16>) outs(%[[INIT]] : tensor<?x16xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<?x16xf32>) outs(%{{.*}} : tensor<?x16xbf16>)
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: return %[[Y]]
func.func @matmul_from_fill(%x: tensor<?x8xbf16>, %w: tensor<8x16xbf16>) -> tensor<?x16xbf16> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xbf16>
  %zero = arith.constant 0.0 : bf16
  %empty = tensor.empty(%n) : tensor<?x16xbf16>
  %init = linalg.fill ins(%zero : bf16) outs(%empty : tensor<?x16xbf16>) -> tensor<?x16xbf16>
  %y = linalg.matmul ins(%x, %w : tensor<?x8xbf16>, tensor<8x16xbf16>) outs(%init : tensor<?x16xbf16>) -> tensor<?x16xbf16>
  return %y : tensor<?x16xbf16>
}

// -----

// An f16 weight gradient accumulating into an existing gradient (the
// adjoints' transposed maps): the init is widened element by element, the
// maps carry over.
// CHECK-LABEL: func.func @gradient_into_accumulator(
// CHECK-SAME: %[[X:.*]]: tensor<?x8xf16>, %[[DY:.*]]: tensor<?x16xf16>, %[[ACC:.*]]: tensor<8x16xf16>
// CHECK: %[[WIDE:.*]] = linalg.generic {{.*}} ins(%[[ACC]] : tensor<8x16xf16>) outs(%{{.*}} : tensor<8x16xf32>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: %[[SUM:.*]] = linalg.matmul indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}] ins(%[[X]], %[[DY]] : tensor<?x8xf16>, tensor<?x16xf16>) outs(%[[WIDE]] : tensor<8x16xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<8x16xf32>) outs(%{{.*}} : tensor<8x16xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
#lhs = affine_map<(k, n, m) -> (m, k)>
#rhs = affine_map<(k, n, m) -> (m, n)>
#out = affine_map<(k, n, m) -> (k, n)>
func.func @gradient_into_accumulator(%x: tensor<?x8xf16>, %dy: tensor<?x16xf16>, %acc: tensor<8x16xf16>) -> tensor<8x16xf16> {
  %dw = linalg.matmul indexing_maps = [#lhs, #rhs, #out] ins(%x, %dy : tensor<?x8xf16>, tensor<?x16xf16>) outs(%acc : tensor<8x16xf16>) -> tensor<8x16xf16>
  return %dw : tensor<8x16xf16>
}

// -----

// A reducing generic (the softmax backward's row sums of dy * y): its
// bf16 operands enter the body as f32, the body's arithmetic and
// constants become f32 (the constant, hoisted out of the body by the
// folder, is folded to f32 there), the sum is rounded once.
// CHECK-LABEL: func.func @row_sums(
// CHECK: %[[TWO:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} outs(%{{.*}} : tensor<?xf32>)
// CHECK: ^bb0(%[[A:.*]]: bf16, %[[B:.*]]: bf16, %[[OUT:.*]]: f32):
// CHECK-DAG: %[[WA:.*]] = arith.extf %[[A]] : bf16 to f32
// CHECK-DAG: %[[WB:.*]] = arith.extf %[[B]] : bf16 to f32
// CHECK: %[[P:.*]] = arith.mulf %[[WA]], %[[WB]] : f32
// CHECK: %[[Q:.*]] = arith.mulf %[[P]], %[[TWO]] : f32
// CHECK: %[[S:.*]] = arith.addf %[[OUT]], %[[Q]] : f32
// CHECK: linalg.yield %[[S]] : f32
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<?xf32>) outs(%{{.*}} : tensor<?xbf16>)
// CHECK: arith.truncf
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>
func.func @row_sums(%dy: tensor<?x8xbf16>, %y: tensor<?x8xbf16>, %init: tensor<?xbf16>) -> tensor<?xbf16> {
  %s = linalg.generic {indexing_maps = [#id, #id, #row], iterator_types = ["parallel", "reduction"]} ins(%dy, %y : tensor<?x8xbf16>, tensor<?x8xbf16>) outs(%init : tensor<?xbf16>) {
  ^bb0(%a: bf16, %b: bf16, %out: bf16):
    %two = arith.constant 2.0 : bf16
    %p = arith.mulf %a, %b : bf16
    %q = arith.mulf %p, %two : bf16
    %sum = arith.addf %out, %q : bf16
    linalg.yield %sum : bf16
  } -> tensor<?xbf16>
  return %s : tensor<?xbf16>
}

// -----

// Left alone: f32 reductions, 16-bit elementwise ops (nothing is summed),
// and a reducing generic whose body holds an op outside the retypable set.
// CHECK-LABEL: func.func @left_alone(
// CHECK: linalg.matmul ins(%{{.*}} : tensor<4x8xf32>, tensor<8x16xf32>) outs(%{{.*}} : tensor<4x16xf32>)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]{{.*}} outs(%{{.*}} : tensor<4x8xbf16>)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} outs(%{{.*}} : tensor<4xbf16>)
// CHECK: math.absf
// CHECK-NOT: arith.truncf
#id2 = affine_map<(i, j) -> (i, j)>
#row2 = affine_map<(i, j) -> (i)>
func.func @left_alone(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>, %h: tensor<4x8xbf16>, %r: tensor<4xbf16>) -> (tensor<4x16xf32>, tensor<4x8xbf16>, tensor<4xbf16>) {
  %m = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  %e = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%h : tensor<4x8xbf16>) outs(%h : tensor<4x8xbf16>) {
  ^bb0(%x: bf16, %o: bf16):
    %s = arith.addf %x, %x : bf16
    linalg.yield %s : bf16
  } -> tensor<4x8xbf16>
  %n = linalg.generic {indexing_maps = [#id2, #row2], iterator_types = ["parallel", "reduction"]} ins(%h : tensor<4x8xbf16>) outs(%r : tensor<4xbf16>) {
  ^bb0(%x: bf16, %o: bf16):
    %abs = math.absf %x : bf16
    %s = arith.addf %o, %abs : bf16
    linalg.yield %s : bf16
  } -> tensor<4xbf16>
  return %m, %e, %n : tensor<4x16xf32>, tensor<4x8xbf16>, tensor<4xbf16>
}
