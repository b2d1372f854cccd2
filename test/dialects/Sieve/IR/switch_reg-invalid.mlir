// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @tokens_disagree(%l: tensor<8x4xf32>, %e: tensor<7x1xi32>) {
  // expected-error @+1 {{'sieve.switch_reg' op experts has shape 7x1 but must be tokens x k = 8x?}}
  %r = sieve.switch_reg %l, %e {weight = 0.01} : (tensor<8x4xf32>, tensor<7x1xi32>) -> tensor<f32>
  return
}

// -----

func.func @infinite_weight(%l: tensor<8x4xf32>, %e: tensor<8x1xi32>) {
  // expected-error @+1 {{weight must be finite and non-negative, got INF}}
  %r = sieve.switch_reg %l, %e {weight = 0x7FF0000000000000 : f64} : (tensor<8x4xf32>, tensor<8x1xi32>) -> tensor<f32>
  return
}

// -----

func.func @logits_rank(%l: tensor<4xf32>, %e: tensor<8x1xi32>) {
  // expected-error @+1 {{logits must be a rank-2 tensor (tokens x num_experts), got 'tensor<4xf32>'}}
  %r = sieve.switch_reg %l, %e {weight = 0.01} : (tensor<4xf32>, tensor<8x1xi32>) -> tensor<f32>
  return
}
