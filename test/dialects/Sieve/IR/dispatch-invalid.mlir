// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @zero_experts(%e: tensor<8x2xi32>) {
  // expected-error @+1 {{'sieve.dispatch' op num_experts must be positive, got 0}}
  %p, %o = sieve.dispatch %e {num_experts = 0 : i64} : (tensor<8x2xi32>) -> (tensor<16xi32>, tensor<1xi32>)
  return
}

// -----

func.func @experts_rank(%e: tensor<16xi32>) {
  // expected-error @+1 {{experts must be a rank-2 tensor (tokens x k), got 'tensor<16xi32>'}}
  %p, %o = sieve.dispatch %e {num_experts = 4 : i64} : (tensor<16xi32>) -> (tensor<16xi32>, tensor<5xi32>)
  return
}

// -----

func.func @pairs_length(%e: tensor<8x2xi32>) {
  // expected-error @+1 {{sorted_pairs has shape 8 but must be tokens * k = 16}}
  %p, %o = sieve.dispatch %e {num_experts = 4 : i64} : (tensor<8x2xi32>) -> (tensor<8xi32>, tensor<5xi32>)
  return
}

// -----

func.func @offsets_length(%e: tensor<8x2xi32>) {
  // expected-error @+1 {{offsets has shape 4 but must be num_experts + 1 = 5}}
  %p, %o = sieve.dispatch %e {num_experts = 4 : i64} : (tensor<8x2xi32>) -> (tensor<16xi32>, tensor<4xi32>)
  return
}

// -----

func.func @float_experts(%e: tensor<8x2xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit signless integer values, but got 'tensor<8x2xf32>'}}
  %p, %o = sieve.dispatch %e {num_experts = 4 : i64} : (tensor<8x2xf32>) -> (tensor<16xi32>, tensor<5xi32>)
  return
}
