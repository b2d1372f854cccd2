// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @negative_weight(%l: tensor<8x4xf32>) {
  // expected-error @+1 {{'sieve.entropy_reg' op weight must be finite and non-negative, got -1.000000e+00}}
  %r = sieve.entropy_reg %l {weight = -1.0} : (tensor<8x4xf32>) -> tensor<f32>
  return
}

// -----

func.func @logits_rank(%l: tensor<8xf32>) {
  // expected-error @+1 {{logits must be a rank-2 tensor (tokens x num_experts), got 'tensor<8xf32>'}}
  %r = sieve.entropy_reg %l {weight = 1.0} : (tensor<8xf32>) -> tensor<f32>
  return
}

// -----

func.func @loss_not_scalar(%l: tensor<8x4xf32>) {
  // expected-error @+1 {{result #0 must be 0D tensor of 32-bit float values, but got 'tensor<1xf32>'}}
  %r = sieve.entropy_reg %l {weight = 1.0} : (tensor<8x4xf32>) -> tensor<1xf32>
  return
}
