// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @tokens_disagree(%l: tensor<8x4xf32>, %e: tensor<7x1xi32>, %i: tensor<f32>) {
  // expected-error @+1 {{'sieve.switch_reg' op experts has shape 7x1 but must be tokens x k = 8x?}}
  %r = sieve.switch_reg ins(%l, %e : tensor<8x4xf32>, tensor<7x1xi32>) outs(%i : tensor<f32>) {weight = 0.01} -> tensor<f32>
  return
}

// -----

func.func @infinite_weight(%l: tensor<8x4xf32>, %e: tensor<8x1xi32>, %i: tensor<f32>) {
  // expected-error @+1 {{weight must be finite and non-negative, got INF}}
  %r = sieve.switch_reg ins(%l, %e : tensor<8x4xf32>, tensor<8x1xi32>) outs(%i : tensor<f32>) {weight = 0x7FF0000000000000 : f64} -> tensor<f32>
  return
}

// -----

func.func @logits_rank(%l: tensor<4xf32>, %e: tensor<8x1xi32>, %i: tensor<f32>) {
  // expected-error @+1 {{logits must have rank 2 (tokens x num_experts), got 'tensor<4xf32>'}}
  %r = sieve.switch_reg ins(%l, %e : tensor<4xf32>, tensor<8x1xi32>) outs(%i : tensor<f32>) {weight = 0.01} -> tensor<f32>
  return
}
