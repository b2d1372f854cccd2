// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @k_exceeds_last_dim(%u: tensor<4x8xf32>, %vi: tensor<4x9xf32>, %ii: tensor<4x9xi32>) {
  // expected-error @+1 {{'sieve.topk' op k (9) exceeds the last dimension (8)}}
  %r:2 = sieve.topk ins(%u : tensor<4x8xf32>) outs(%vi, %ii : tensor<4x9xf32>, tensor<4x9xi32>) {k = 9 : i64} -> tensor<4x9xf32>, tensor<4x9xi32>
  return
}

// -----

func.func @k_zero(%u: tensor<4x8xf32>, %vi: tensor<4x0xf32>, %ii: tensor<4x0xi32>) {
  // expected-error @+1 {{k must be positive, got 0}}
  %r:2 = sieve.topk ins(%u : tensor<4x8xf32>) outs(%vi, %ii : tensor<4x0xf32>, tensor<4x0xi32>) {k = 0 : i64} -> tensor<4x0xf32>, tensor<4x0xi32>
  return
}

// -----

func.func @rank0(%u: tensor<f32>, %vi: tensor<1xf32>, %ii: tensor<1xi32>) {
  // expected-error @+1 {{input must have rank >= 1, got 'tensor<f32>'}}
  %r:2 = sieve.topk ins(%u : tensor<f32>) outs(%vi, %ii : tensor<1xf32>, tensor<1xi32>) {k = 1 : i64} -> tensor<1xf32>, tensor<1xi32>
  return
}

// -----

func.func @values_shape(%u: tensor<4x8xf32>, %vi: tensor<4x3xf32>, %ii: tensor<4x2xi32>) {
  // expected-error @+1 {{values_init has shape 4x3 but must be input dim x k = 4x2}}
  %r:2 = sieve.topk ins(%u : tensor<4x8xf32>) outs(%vi, %ii : tensor<4x3xf32>, tensor<4x2xi32>) {k = 2 : i64} -> tensor<4x3xf32>, tensor<4x2xi32>
  return
}

// -----

func.func @indices_shape(%u: tensor<4x8xf32>, %vi: tensor<4x2xf32>, %ii: tensor<5x2xi32>) {
  // expected-error @+1 {{indices_init has shape 5x2 but must be input dim x k = 4x2}}
  %r:2 = sieve.topk ins(%u : tensor<4x8xf32>) outs(%vi, %ii : tensor<4x2xf32>, tensor<5x2xi32>) {k = 2 : i64} -> tensor<4x2xf32>, tensor<5x2xi32>
  return
}

// -----

func.func @values_element_type(%u: tensor<4x8xf32>, %vi: tensor<4x2xf16>, %ii: tensor<4x2xi32>) {
  // expected-error @+1 {{values_init has element type 'f16' but input has 'f32'}}
  %r:2 = sieve.topk ins(%u : tensor<4x8xf32>) outs(%vi, %ii : tensor<4x2xf16>, tensor<4x2xi32>) {k = 2 : i64} -> tensor<4x2xf16>, tensor<4x2xi32>
  return
}
