// The "primitives" stage as a registered pipeline: sieve-decompose, then
// canonicalize and cse fold the duplicated size computations.
// RUN: sieve-opt %s --sieve-primitives-pipeline | FileCheck %s

// CHECK-LABEL: func.func @sigma_moe
// CHECK-COUNT-1: tensor.dim %arg0
// CHECK-NOT: tensor.dim %arg0
// CHECK: sieve.select_experts
// CHECK: sieve.dispatch
// CHECK-COUNT-2: sieve.cvmm
// CHECK-NOT: sieve.moe_ffn
func.func @sigma_moe(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>,
                     %w3: tensor<8x4xf32>, %seed: i64) -> tensor<?x8xf32> {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 seed(%seed) {num_experts = 4 : i64,
      expert_size = 2 : i64, k = 2 : i64,
      selection_activation = #sieve.selection_activation<sigmoid>,
      expert_dropout = 0.1, train}
      : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>, i64) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
