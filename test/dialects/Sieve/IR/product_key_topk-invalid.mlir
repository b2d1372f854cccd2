// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @k_exceeds_subkeys(%a: tensor<8x1x4xf32>, %b: tensor<8x1x4xf32>, %si: tensor<8x1x5xf32>, %ii: tensor<8x1x5xi32>) {
  // expected-error @+1 {{'sieve.product_key_topk' op k (5) exceeds num_subkeys (4)}}
  %r:2 = sieve.product_key_topk ins(%a, %b : tensor<8x1x4xf32>, tensor<8x1x4xf32>) outs(%si, %ii : tensor<8x1x5xf32>, tensor<8x1x5xi32>) {k = 5 : i64} -> tensor<8x1x5xf32>, tensor<8x1x5xi32>
  return
}

// -----

func.func @k_negative(%a: tensor<8x1x4xf32>, %b: tensor<8x1x4xf32>, %si: tensor<8x1x1xf32>, %ii: tensor<8x1x1xi32>) {
  // expected-error @+1 {{k must be positive, got -1}}
  %r:2 = sieve.product_key_topk ins(%a, %b : tensor<8x1x4xf32>, tensor<8x1x4xf32>) outs(%si, %ii : tensor<8x1x1xf32>, tensor<8x1x1xi32>) {k = -1 : i64} -> tensor<8x1x1xf32>, tensor<8x1x1xi32>
  return
}

// -----

func.func @halves_disagree(%a: tensor<8x1x4xf32>, %b: tensor<8x2x4xf32>, %si: tensor<8x1x2xf32>, %ii: tensor<8x1x2xi32>) {
  // expected-error @+1 {{scores_b has shape 8x2x4 but must be tokens x heads x num_subkeys = 8x1x4}}
  %r:2 = sieve.product_key_topk ins(%a, %b : tensor<8x1x4xf32>, tensor<8x2x4xf32>) outs(%si, %ii : tensor<8x1x2xf32>, tensor<8x1x2xi32>) {k = 2 : i64} -> tensor<8x1x2xf32>, tensor<8x1x2xi32>
  return
}

// -----

func.func @scores_a_rank(%a: tensor<8x4xf32>, %b: tensor<8x1x4xf32>, %si: tensor<8x1x2xf32>, %ii: tensor<8x1x2xi32>) {
  // expected-error @+1 {{scores_a must have rank 3 (tokens x heads x num_subkeys), got 'tensor<8x4xf32>'}}
  %r:2 = sieve.product_key_topk ins(%a, %b : tensor<8x4xf32>, tensor<8x1x4xf32>) outs(%si, %ii : tensor<8x1x2xf32>, tensor<8x1x2xi32>) {k = 2 : i64} -> tensor<8x1x2xf32>, tensor<8x1x2xi32>
  return
}

// -----

func.func @scores_init_shape(%a: tensor<8x1x4xf32>, %b: tensor<8x1x4xf32>, %si: tensor<8x1x3xf32>, %ii: tensor<8x1x2xi32>) {
  // expected-error @+1 {{scores_init has shape 8x1x3 but must be tokens x heads x k = 8x1x2}}
  %r:2 = sieve.product_key_topk ins(%a, %b : tensor<8x1x4xf32>, tensor<8x1x4xf32>) outs(%si, %ii : tensor<8x1x3xf32>, tensor<8x1x2xi32>) {k = 2 : i64} -> tensor<8x1x3xf32>, tensor<8x1x2xi32>
  return
}

// -----

func.func @indices_init_shape(%a: tensor<8x1x4xf32>, %b: tensor<8x1x4xf32>, %si: tensor<8x1x2xf32>, %ii: tensor<8x2x2xi32>) {
  // expected-error @+1 {{indices_init has shape 8x2x2 but must be tokens x heads x k = 8x1x2}}
  %r:2 = sieve.product_key_topk ins(%a, %b : tensor<8x1x4xf32>, tensor<8x1x4xf32>) outs(%si, %ii : tensor<8x1x2xf32>, tensor<8x2x2xi32>) {k = 2 : i64} -> tensor<8x1x2xf32>, tensor<8x2x2xi32>
  return
}

// -----

func.func @mixed_types(%a: tensor<8x1x4xf32>, %b: tensor<8x1x4xbf16>, %si: tensor<8x1x2xf32>, %ii: tensor<8x1x2xi32>) {
  // expected-error @+1 {{scores_b has element type 'bf16' but scores_a has 'f32'}}
  %r:2 = sieve.product_key_topk ins(%a, %b : tensor<8x1x4xf32>, tensor<8x1x4xbf16>) outs(%si, %ii : tensor<8x1x2xf32>, tensor<8x1x2xi32>) {k = 2 : i64} -> tensor<8x1x2xf32>, tensor<8x1x2xi32>
  return
}
