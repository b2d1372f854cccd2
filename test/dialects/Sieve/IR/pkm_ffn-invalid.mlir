// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @odd_d_model(%x: tensor<4x7xf32>, %ka: tensor<3x1x8xf32>, %kb: tensor<3x1x8xf32>, %v: tensor<64x7xf32>) {
  // expected-error @+1 {{'sieve.pkm_ffn' op d_model (7) must be even: product keys split x into two halves (Eq. 8)}}
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 8 : i64, heads = 1 : i64, k = 2 : i64, activation = #sieve.pkm_activation<relu>} : (tensor<4x7xf32>, tensor<3x1x8xf32>, tensor<3x1x8xf32>, tensor<64x7xf32>) -> tensor<4x7xf32>
  return
}

// -----

func.func @k_exceeds_subkeys(%x: tensor<4x8xf32>, %ka: tensor<4x1x8xf32>, %kb: tensor<4x1x8xf32>, %v: tensor<64x8xf32>) {
  // expected-error @+1 {{'sieve.pkm_ffn' op k (9) exceeds num_subkeys (8)}}
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 8 : i64, heads = 1 : i64, k = 9 : i64, activation = #sieve.pkm_activation<relu>} : (tensor<4x8xf32>, tensor<4x1x8xf32>, tensor<4x1x8xf32>, tensor<64x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @zero_heads(%x: tensor<4x8xf32>, %ka: tensor<4x1x8xf32>, %kb: tensor<4x1x8xf32>, %v: tensor<64x8xf32>) {
  // expected-error @+1 {{heads must be positive, got 0}}
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 8 : i64, heads = 0 : i64, k = 2 : i64, activation = #sieve.pkm_activation<relu>} : (tensor<4x8xf32>, tensor<4x1x8xf32>, tensor<4x1x8xf32>, tensor<64x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @zero_subkeys(%x: tensor<4x8xf32>, %ka: tensor<4x1x8xf32>, %kb: tensor<4x1x8xf32>, %v: tensor<64x8xf32>) {
  // expected-error @+1 {{num_subkeys must be positive, got 0}}
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 0 : i64, heads = 1 : i64, k = 2 : i64, activation = #sieve.pkm_activation<relu>} : (tensor<4x8xf32>, tensor<4x1x8xf32>, tensor<4x1x8xf32>, tensor<64x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @keys_wrong_half(%x: tensor<4x8xf32>, %ka: tensor<8x1x8xf32>, %kb: tensor<4x1x8xf32>, %v: tensor<64x8xf32>) {
  // expected-error @+1 {{keys_a has shape 8x1x8 but must be d_model/2 x heads x num_subkeys = 4x1x8}}
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 8 : i64, heads = 1 : i64, k = 2 : i64, activation = #sieve.pkm_activation<relu>} : (tensor<4x8xf32>, tensor<8x1x8xf32>, tensor<4x1x8xf32>, tensor<64x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @keys_b_wrong_heads(%x: tensor<4x8xf32>, %ka: tensor<4x2x8xf32>, %kb: tensor<4x1x8xf32>, %v: tensor<64x8xf32>) {
  // expected-error @+1 {{keys_b has shape 4x1x8 but must be d_model/2 x heads x num_subkeys = 4x2x8}}
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 8 : i64, heads = 2 : i64, k = 2 : i64, activation = #sieve.pkm_activation<relu>} : (tensor<4x8xf32>, tensor<4x2x8xf32>, tensor<4x1x8xf32>, tensor<64x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @values_not_squared(%x: tensor<4x8xf32>, %ka: tensor<4x1x8xf32>, %kb: tensor<4x1x8xf32>, %v: tensor<63x8xf32>) {
  // expected-error @+1 {{values has shape 63x8 but must be num_subkeys^2 x d_model = 64x8}}
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 8 : i64, heads = 1 : i64, k = 2 : i64, activation = #sieve.pkm_activation<relu>} : (tensor<4x8xf32>, tensor<4x1x8xf32>, tensor<4x1x8xf32>, tensor<63x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @values_element_type(%x: tensor<4x8xf32>, %ka: tensor<4x1x8xf32>, %kb: tensor<4x1x8xf32>, %v: tensor<64x8xf16>) {
  // expected-error @+1 {{values has element type 'f16' but x has 'f32'}}
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 8 : i64, heads = 1 : i64, k = 2 : i64, activation = #sieve.pkm_activation<relu>} : (tensor<4x8xf32>, tensor<4x1x8xf32>, tensor<4x1x8xf32>, tensor<64x8xf16>) -> tensor<4x8xf32>
  return
}

// -----

func.func @unknown_activation(%x: tensor<4x8xf32>, %ka: tensor<4x1x8xf32>, %kb: tensor<4x1x8xf32>, %v: tensor<64x8xf32>) {
  // expected-error @+2 {{expected ::mlir::sieve::PkmActivation to be one of: relu, softmax}}
  // expected-error @+1 {{failed to parse Sieve_PkmActivationAttr parameter 'value' which is to be a `::mlir::sieve::PkmActivation`}}
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 8 : i64, heads = 1 : i64, k = 2 : i64, activation = #sieve.pkm_activation<gelu>} : (tensor<4x8xf32>, tensor<4x1x8xf32>, tensor<4x1x8xf32>, tensor<64x8xf32>) -> tensor<4x8xf32>
  return
}
