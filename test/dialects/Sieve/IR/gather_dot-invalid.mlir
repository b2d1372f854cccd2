// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @width(%dy: tensor<2x8xf32>, %i: tensor<2x3xi32>, %v: tensor<10x9xf32>, %o: tensor<2x3xf32>) {
  // expected-error @+1 {{'sieve.gather_dot' op table has shape 10x9 but must be table rows x width = ?x8}}
  %d = sieve.gather_dot ins(%dy, %i, %v : tensor<2x8xf32>, tensor<2x3xi32>, tensor<10x9xf32>) outs(%o : tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @selected(%dy: tensor<2x8xf32>, %i: tensor<2x3xi32>, %v: tensor<10x8xf32>, %o: tensor<2x4xf32>) {
  // expected-error @+1 {{init has shape 2x4 but must be tokens x selected = 2x3}}
  %d = sieve.gather_dot ins(%dy, %i, %v : tensor<2x8xf32>, tensor<2x3xi32>, tensor<10x8xf32>) outs(%o : tensor<2x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @tokens(%dy: tensor<3x8xf32>, %i: tensor<2x3xi32>, %v: tensor<10x8xf32>, %o: tensor<2x3xf32>) {
  // expected-error @+1 {{indices has shape 2x3 but must be tokens x selected = 3x3}}
  %d = sieve.gather_dot ins(%dy, %i, %v : tensor<3x8xf32>, tensor<2x3xi32>, tensor<10x8xf32>) outs(%o : tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}
