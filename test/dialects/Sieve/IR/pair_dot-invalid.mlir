// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @init_k(%h: tensor<8x16xf32>, %g: tensor<8x16xf32>, %p: tensor<8xi32>, %o: tensor<5xi32>, %init: tensor<4x3xf32>) {
  // expected-error @+1 {{'sieve.pair_dot' op scale has shape 4x3 but must be tokens x k = 4x2}}
  %d = sieve.pair_dot ins(%h, %g, %p, %o : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8xi32>, tensor<5xi32>) outs(%init : tensor<4x3xf32>) {k = 2 : i64, lhs_rows = #sieve.rows<sorted>, rhs_rows = #sieve.rows<sorted>} -> tensor<4x3xf32>
  return
}

// -----

func.func @rows(%h: tensor<8x16xf32>, %g: tensor<8x16xf32>, %p: tensor<8xi32>, %o: tensor<5xi32>, %init: tensor<4x2xf32>) {
  // expected-error @+1 {{rhs has shape 8x16 but must be tokens x width = 4x16}}
  %d = sieve.pair_dot ins(%h, %g, %p, %o : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8xi32>, tensor<5xi32>) outs(%init : tensor<4x2xf32>) {k = 2 : i64, lhs_rows = #sieve.rows<sorted>, rhs_rows = #sieve.rows<token>} -> tensor<4x2xf32>
  return
}

// -----

func.func @width(%h: tensor<8x16xf32>, %g: tensor<8x15xf32>, %p: tensor<8xi32>, %o: tensor<5xi32>, %init: tensor<4x2xf32>) {
  // expected-error @+1 {{rhs has shape 8x15 but must be tokens * k x width = 8x16}}
  %d = sieve.pair_dot ins(%h, %g, %p, %o : tensor<8x16xf32>, tensor<8x15xf32>, tensor<8xi32>, tensor<5xi32>) outs(%init : tensor<4x2xf32>) {k = 2 : i64, lhs_rows = #sieve.rows<sorted>, rhs_rows = #sieve.rows<sorted>} -> tensor<4x2xf32>
  return
}

// -----

func.func @k(%h: tensor<8x16xf32>, %g: tensor<8x16xf32>, %p: tensor<8xi32>, %o: tensor<5xi32>, %init: tensor<8x0xf32>) {
  // expected-error @+1 {{k must be positive, got 0}}
  %d = sieve.pair_dot ins(%h, %g, %p, %o : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8xi32>, tensor<5xi32>) outs(%init : tensor<8x0xf32>) {k = 0 : i64, lhs_rows = #sieve.rows<sorted>, rhs_rows = #sieve.rows<sorted>} -> tensor<8x0xf32>
  return
}
