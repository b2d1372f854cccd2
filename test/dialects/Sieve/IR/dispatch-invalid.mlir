// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @zero_experts(%e: tensor<8x2xi32>, %p: tensor<16xi32>, %o: tensor<1xi32>) {
  // expected-error @+1 {{'sieve.dispatch' op num_experts must be positive, got 0}}
  %r:2 = sieve.dispatch ins(%e : tensor<8x2xi32>) outs(%p, %o : tensor<16xi32>, tensor<1xi32>) {num_experts = 0 : i64} -> tensor<16xi32>, tensor<1xi32>
  return
}

// -----

func.func @experts_rank(%e: tensor<16xi32>, %p: tensor<16xi32>, %o: tensor<5xi32>) {
  // expected-error @+1 {{experts must have rank 2 (tokens x k), got 'tensor<16xi32>'}}
  %r:2 = sieve.dispatch ins(%e : tensor<16xi32>) outs(%p, %o : tensor<16xi32>, tensor<5xi32>) {num_experts = 4 : i64} -> tensor<16xi32>, tensor<5xi32>
  return
}

// -----

func.func @pairs_length(%e: tensor<8x2xi32>, %p: tensor<8xi32>, %o: tensor<5xi32>) {
  // expected-error @+1 {{pairs_init has shape 8 but must be tokens * k = 16}}
  %r:2 = sieve.dispatch ins(%e : tensor<8x2xi32>) outs(%p, %o : tensor<8xi32>, tensor<5xi32>) {num_experts = 4 : i64} -> tensor<8xi32>, tensor<5xi32>
  return
}

// -----

func.func @offsets_length(%e: tensor<8x2xi32>, %p: tensor<16xi32>, %o: tensor<4xi32>) {
  // expected-error @+1 {{offsets_init has shape 4 but must be num_experts + 1 = 5}}
  %r:2 = sieve.dispatch ins(%e : tensor<8x2xi32>) outs(%p, %o : tensor<16xi32>, tensor<4xi32>) {num_experts = 4 : i64} -> tensor<16xi32>, tensor<4xi32>
  return
}

// -----

func.func @float_experts(%e: tensor<8x2xf32>, %p: tensor<16xi32>, %o: tensor<5xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor or memref of i32, but got 'tensor<8x2xf32>'}}
  %r:2 = sieve.dispatch ins(%e : tensor<8x2xf32>) outs(%p, %o : tensor<16xi32>, tensor<5xi32>) {num_experts = 4 : i64} -> tensor<16xi32>, tensor<5xi32>
  return
}
