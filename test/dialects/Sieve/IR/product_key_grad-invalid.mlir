// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @heads(%g: tensor<2x4x8xf32>, %i: tensor<2x4x8xi32>, %a: tensor<2x3x16xf32>, %b: tensor<2x4x16xf32>) {
  // expected-error @+1 {{'sieve.product_key_grad' op grad_a_init has shape 2x3x16 but must be tokens x heads x num_subkeys = 2x4x16}}
  %da, %db = sieve.product_key_grad ins(%g, %i : tensor<2x4x8xf32>, tensor<2x4x8xi32>) outs(%a, %b : tensor<2x3x16xf32>, tensor<2x4x16xf32>) -> tensor<2x3x16xf32>, tensor<2x4x16xf32>
  return
}

// -----

func.func @subkeys(%g: tensor<2x4x8xf32>, %i: tensor<2x4x8xi32>, %a: tensor<2x4x16xf32>, %b: tensor<2x4x15xf32>) {
  // expected-error @+1 {{grad_b_init has shape 2x4x15 but must be tokens x heads x num_subkeys = 2x4x16}}
  %da, %db = sieve.product_key_grad ins(%g, %i : tensor<2x4x8xf32>, tensor<2x4x8xi32>) outs(%a, %b : tensor<2x4x16xf32>, tensor<2x4x15xf32>) -> tensor<2x4x16xf32>, tensor<2x4x15xf32>
  return
}

// -----

func.func @indices(%g: tensor<2x4x8xf32>, %i: tensor<2x4x7xi32>, %a: tensor<2x4x16xf32>, %b: tensor<2x4x16xf32>) {
  // expected-error @+1 {{indices has shape 2x4x7 but must be tokens x heads x k = 2x4x8}}
  %da, %db = sieve.product_key_grad ins(%g, %i : tensor<2x4x8xf32>, tensor<2x4x7xi32>) outs(%a, %b : tensor<2x4x16xf32>, tensor<2x4x16xf32>) -> tensor<2x4x16xf32>, tensor<2x4x16xf32>
  return
}
