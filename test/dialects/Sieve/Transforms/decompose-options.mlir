// RUN: sieve-opt %s --sieve-decompose="layers=moe_ffn" | FileCheck %s --check-prefix=ONLY-MOE
// RUN: sieve-opt %s --sieve-decompose="layers=dense_ffn,moe_ffn" | FileCheck %s --check-prefix=BOTH
// RUN: not sieve-opt %s --sieve-decompose="layers=moe_ffn,conv2d" 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// ONLY-MOE-LABEL: func.func @dense
// ONLY-MOE: sieve.dense_ffn
// ONLY-MOE-LABEL: func.func @moe
// ONLY-MOE-NOT: sieve.moe_ffn
// ONLY-MOE: sieve.cvmm

// BOTH-NOT: sieve.dense_ffn
// BOTH-NOT: sieve.moe_ffn

// UNKNOWN: error: sieve-decompose: unknown layer op 'conv2d' in layers=; expected one of: dense_ffn, topk_ffn, pkm_ffn, moe_ffn, mowe_ffn

func.func @dense(%x: tensor<8x16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<64x16xf32>) -> tensor<8x16xf32> {
  %y = sieve.dense_ffn %x, %w1, %w2 : (tensor<8x16xf32>, tensor<16x64xf32>, tensor<64x16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

func.func @moe(%x: tensor<8x16xf32>, %w1: tensor<4x16x2xf32>, %w2: tensor<4x2x16xf32>, %w3: tensor<16x4xf32>) -> tensor<8x16xf32> {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>} : (tensor<8x16xf32>, tensor<4x16x2xf32>, tensor<4x2x16xf32>, tensor<16x4xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}
