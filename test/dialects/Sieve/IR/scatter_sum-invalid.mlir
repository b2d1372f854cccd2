// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @width(%w: tensor<2x3xf32>, %i: tensor<2x3xi32>, %dy: tensor<2x8xf32>, %o: tensor<10x9xf32>) {
  // expected-error @+1 {{'sieve.scatter_sum' op init has shape 10x9 but must be table rows x width = ?x8}}
  %d = sieve.scatter_sum ins(%w, %i, %dy : tensor<2x3xf32>, tensor<2x3xi32>, tensor<2x8xf32>) outs(%o : tensor<10x9xf32>) -> tensor<10x9xf32>
  return
}

// -----

func.func @indices(%w: tensor<2x3xf32>, %i: tensor<2x4xi32>, %dy: tensor<2x8xf32>, %o: tensor<10x8xf32>) {
  // expected-error @+1 {{indices has shape 2x4 but must be tokens x selected = 2x3}}
  %d = sieve.scatter_sum ins(%w, %i, %dy : tensor<2x3xf32>, tensor<2x4xi32>, tensor<2x8xf32>) outs(%o : tensor<10x8xf32>) -> tensor<10x8xf32>
  return
}

// -----

func.func @element_type(%w: tensor<2x3xbf16>, %i: tensor<2x3xi32>, %dy: tensor<2x8xf32>, %o: tensor<10x8xf32>) {
  // expected-error @+1 {{grad_output has element type 'f32' but weights has 'bf16'}}
  %d = sieve.scatter_sum ins(%w, %i, %dy : tensor<2x3xbf16>, tensor<2x3xi32>, tensor<2x8xf32>) outs(%o : tensor<10x8xf32>) -> tensor<10x8xf32>
  return
}
