// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @k_zero(%x: tensor<8x16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<64x16xf32>) {
  // expected-error @+1 {{'sieve.topk_ffn' op k must be positive, got 0}}
  %y = sieve.topk_ffn %x, %w1, %w2 {k = 0 : i64} : (tensor<8x16xf32>, tensor<16x64xf32>, tensor<64x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @k_negative(%x: tensor<8x16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<64x16xf32>) {
  // expected-error @+1 {{k must be positive, got -3}}
  %y = sieve.topk_ffn %x, %w1, %w2 {k = -3 : i64} : (tensor<8x16xf32>, tensor<16x64xf32>, tensor<64x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @k_exceeds_d_ff(%x: tensor<8x16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<64x16xf32>) {
  // expected-error @+1 {{'sieve.topk_ffn' op k (65) exceeds d_ff (64)}}
  %y = sieve.topk_ffn %x, %w1, %w2 {k = 65 : i64} : (tensor<8x16xf32>, tensor<16x64xf32>, tensor<64x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @mismatched_widths(%x: tensor<8x16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<64x32xf32>) {
  // expected-error @+1 {{w2 has shape 64x32 but must be d_ff x d_model = 64x16}}
  %y = sieve.topk_ffn %x, %w1, %w2 {k = 4 : i64} : (tensor<8x16xf32>, tensor<16x64xf32>, tensor<64x32xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @missing_k(%x: tensor<8x16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<64x16xf32>) {
  // expected-error @+1 {{'sieve.topk_ffn' op requires attribute 'k'}}
  %y = sieve.topk_ffn %x, %w1, %w2 : (tensor<8x16xf32>, tensor<16x64xf32>, tensor<64x16xf32>) -> tensor<8x16xf32>
  return
}
