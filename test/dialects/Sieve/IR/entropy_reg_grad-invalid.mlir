// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @weight(%z: tensor<8x16xf32>, %dl: tensor<f32>, %o: tensor<8x16xf32>) {
  // expected-error @+1 {{'sieve.entropy_reg_grad' op weight must be finite and non-negative, got -1}}
  %d = sieve.entropy_reg_grad ins(%z, %dl : tensor<8x16xf32>, tensor<f32>) outs(%o : tensor<8x16xf32>) {weight = -1.0 : f64} -> tensor<8x16xf32>
  return
}

// -----

func.func @init_shape(%z: tensor<8x16xf32>, %dl: tensor<f32>, %o: tensor<8x15xf32>) {
  // expected-error @+1 {{init has shape 8x15 but must be tokens x num_experts = 8x16}}
  %d = sieve.entropy_reg_grad ins(%z, %dl : tensor<8x16xf32>, tensor<f32>) outs(%o : tensor<8x15xf32>) {weight = 1.0 : f64} -> tensor<8x15xf32>
  return
}

// -----

func.func @element_type(%z: tensor<8x16xbf16>, %dl: tensor<f32>, %o: tensor<8x16xf32>) {
  // expected-error @+1 {{init has element type 'f32' but logits has 'bf16'}}
  %d = sieve.entropy_reg_grad ins(%z, %dl : tensor<8x16xbf16>, tensor<f32>) outs(%o : tensor<8x16xf32>) {weight = 1.0 : f64} -> tensor<8x16xf32>
  return
}
