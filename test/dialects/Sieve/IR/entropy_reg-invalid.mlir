// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @negative_weight(%l: tensor<8x4xf32>, %i: tensor<f32>) {
  // expected-error @+1 {{'sieve.entropy_reg' op weight must be finite and non-negative, got -1.000000e+00}}
  %r = sieve.entropy_reg ins(%l : tensor<8x4xf32>) outs(%i : tensor<f32>) {weight = -1.0} -> tensor<f32>
  return
}

// -----

func.func @logits_rank(%l: tensor<8xf32>, %i: tensor<f32>) {
  // expected-error @+1 {{logits must have rank 2 (tokens x num_experts), got 'tensor<8xf32>'}}
  %r = sieve.entropy_reg ins(%l : tensor<8xf32>) outs(%i : tensor<f32>) {weight = 1.0} -> tensor<f32>
  return
}

// -----

func.func @loss_not_scalar(%l: tensor<8x4xf32>, %i: tensor<1xf32>) {
  // expected-error @+1 {{operand #1 must be 0-d tensor or memref of f32, but got 'tensor<1xf32>'}}
  %r = sieve.entropy_reg ins(%l : tensor<8x4xf32>) outs(%i : tensor<1xf32>) {weight = 1.0} -> tensor<1xf32>
  return
}
