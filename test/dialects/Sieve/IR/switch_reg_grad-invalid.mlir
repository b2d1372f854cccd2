// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @experts(%z: tensor<8x4xf32>, %e: tensor<7x1xi32>, %dl: tensor<f32>, %o: tensor<8x4xf32>) {
  // expected-error @+1 {{'sieve.switch_reg_grad' op experts has shape 7x1 but must be tokens x k = 8x?}}
  %d = sieve.switch_reg_grad ins(%z, %e, %dl : tensor<8x4xf32>, tensor<7x1xi32>, tensor<f32>) outs(%o : tensor<8x4xf32>) {weight = 1.0 : f64} -> tensor<8x4xf32>
  return
}

// -----

func.func @weight(%z: tensor<8x4xf32>, %e: tensor<8x1xi32>, %dl: tensor<f32>, %o: tensor<8x4xf32>) {
  // expected-error @+1 {{weight must be finite and non-negative, got -2}}
  %d = sieve.switch_reg_grad ins(%z, %e, %dl : tensor<8x4xf32>, tensor<8x1xi32>, tensor<f32>) outs(%o : tensor<8x4xf32>) {weight = -2.0 : f64} -> tensor<8x4xf32>
  return
}

// -----

func.func @logits_rank(%z: tensor<8xf32>, %e: tensor<8x1xi32>, %dl: tensor<f32>, %o: tensor<8x4xf32>) {
  // expected-error @+1 {{logits must have rank 2 (tokens x num_experts), got 'tensor<8xf32>'}}
  %d = sieve.switch_reg_grad ins(%z, %e, %dl : tensor<8xf32>, tensor<8x1xi32>, tensor<f32>) outs(%o : tensor<8x4xf32>) {weight = 1.0 : f64} -> tensor<8x4xf32>
  return
}
