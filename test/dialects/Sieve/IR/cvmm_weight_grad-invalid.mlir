// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @init_experts(%x: tensor<8x16xf32>, %du: tensor<32x4xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %i: tensor<3x16x4xf32>) {
  // expected-error @+1 {{'sieve.cvmm_weight_grad' op offsets has shape 5 but must be num_experts + 1 = 4}}
  %dw = sieve.cvmm_weight_grad ins(%x, %du, %p, %o : tensor<8x16xf32>, tensor<32x4xf32>, tensor<32xi32>, tensor<5xi32>) outs(%i : tensor<3x16x4xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>} -> tensor<3x16x4xf32>
  return
}

// -----

func.func @init_widths(%x: tensor<8x16xf32>, %du: tensor<32x4xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %i: tensor<4x16x5xf32>) {
  // expected-error @+1 {{init has shape 4x16x5 but must be num_experts x input width x output width = 4x16x4}}
  %dw = sieve.cvmm_weight_grad ins(%x, %du, %p, %o : tensor<8x16xf32>, tensor<32x4xf32>, tensor<32xi32>, tensor<5xi32>) outs(%i : tensor<4x16x5xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>} -> tensor<4x16x5xf32>
  return
}

// -----

func.func @grad_rows(%x: tensor<8x16xf32>, %du: tensor<8x4xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %i: tensor<4x16x4xf32>) {
  // expected-error @+1 {{grad_output has shape 8x4 but must be tokens * k x output width = 32x4}}
  %dw = sieve.cvmm_weight_grad ins(%x, %du, %p, %o : tensor<8x16xf32>, tensor<8x4xf32>, tensor<32xi32>, tensor<5xi32>) outs(%i : tensor<4x16x4xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>} -> tensor<4x16x4xf32>
  return
}

// -----

func.func @input_rank(%x: tensor<?x16x1xf32>, %du: tensor<32x4xf32>, %p: tensor<?xi32>, %o: tensor<5xi32>, %i: tensor<4x16x4xf32>) {
  // expected-error @+1 {{input must have rank 2 (tokens x input width), got 'tensor<?x16x1xf32>'}}
  %dw = sieve.cvmm_weight_grad ins(%x, %du, %p, %o : tensor<?x16x1xf32>, tensor<32x4xf32>, tensor<?xi32>, tensor<5xi32>) outs(%i : tensor<4x16x4xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>} -> tensor<4x16x4xf32>
  return
}

// -----

func.func @k_negative(%x: tensor<8x16xf32>, %du: tensor<32x4xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %i: tensor<4x16x4xf32>) {
  // expected-error @+1 {{k must be positive, got -4}}
  %dw = sieve.cvmm_weight_grad ins(%x, %du, %p, %o : tensor<8x16xf32>, tensor<32x4xf32>, tensor<32xi32>, tensor<5xi32>) outs(%i : tensor<4x16x4xf32>) {k = -4 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>} -> tensor<4x16x4xf32>
  return
}

// -----

func.func @grad_element_type(%x: tensor<8x16xf32>, %du: tensor<32x4xbf16>, %p: tensor<32xi32>, %o: tensor<5xi32>, %i: tensor<4x16x4xf32>) {
  // expected-error @+1 {{grad_output has element type 'bf16' but input has 'f32'}}
  %dw = sieve.cvmm_weight_grad ins(%x, %du, %p, %o : tensor<8x16xf32>, tensor<32x4xbf16>, tensor<32xi32>, tensor<5xi32>) outs(%i : tensor<4x16x4xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>} -> tensor<4x16x4xf32>
  return
}
