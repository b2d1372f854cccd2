// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @x_not_rank_2(%x: tensor<16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<64x16xf32>) {
  // expected-error @+1 {{'sieve.dense_ffn' op x must have rank 2 (tokens x d_model), got 'tensor<16xf32>'}}
  %y = sieve.dense_ffn %x, %w1, %w2 : (tensor<16xf32>, tensor<16x64xf32>, tensor<64x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @w1_wrong_d_model(%x: tensor<8x16xf32>, %w1: tensor<32x64xf32>, %w2: tensor<64x16xf32>) {
  // expected-error @+1 {{w1 has shape 32x64 but must be d_model x d_ff = 16x64}}
  %y = sieve.dense_ffn %x, %w1, %w2 : (tensor<8x16xf32>, tensor<32x64xf32>, tensor<64x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @w2_wrong_d_ff(%x: tensor<8x16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<63x16xf32>) {
  // expected-error @+1 {{w2 has shape 63x16 but must be d_ff x d_model = 64x16}}
  %y = sieve.dense_ffn %x, %w1, %w2 : (tensor<8x16xf32>, tensor<16x64xf32>, tensor<63x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @w2_not_rank_2(%x: tensor<8x16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<1x64x16xf32>) {
  // expected-error @+1 {{w2 must have rank 2 (d_ff x d_model), got 'tensor<1x64x16xf32>'}}
  %y = sieve.dense_ffn %x, %w1, %w2 : (tensor<8x16xf32>, tensor<16x64xf32>, tensor<1x64x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @result_wrong_tokens(%x: tensor<8x16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<64x16xf32>) {
  // expected-error @+1 {{result has shape 9x16 but must be tokens x d_model = 8x16}}
  %y = sieve.dense_ffn %x, %w1, %w2 : (tensor<8x16xf32>, tensor<16x64xf32>, tensor<64x16xf32>) -> tensor<9x16xf32>
  return
}

// -----

func.func @mixed_element_types(%x: tensor<8x16xf32>, %w1: tensor<16x64xbf16>, %w2: tensor<64x16xf32>) {
  // expected-error @+1 {{w1 has element type 'bf16' but x has 'f32'}}
  %y = sieve.dense_ffn %x, %w1, %w2 : (tensor<8x16xf32>, tensor<16x64xbf16>, tensor<64x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @integer_activations(%x: tensor<8x16xi32>, %w1: tensor<16x64xf32>, %w2: tensor<64x16xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<8x16xi32>'}}
  %y = sieve.dense_ffn %x, %w1, %w2 : (tensor<8x16xi32>, tensor<16x64xf32>, tensor<64x16xf32>) -> tensor<8x16xf32>
  return
}
