// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @indices_shape(%w: tensor<2x3xf32>, %i: tensor<2x4xi32>, %v: tensor<10x8xf32>, %o: tensor<2x8xf32>) {
  // expected-error @+1 {{'sieve.gather_sum' op indices has shape 2x4 but must be tokens x selected = 2x3}}
  %y = sieve.gather_sum ins(%w, %i, %v : tensor<2x3xf32>, tensor<2x4xi32>, tensor<10x8xf32>) outs(%o : tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @weights_rank(%w: tensor<6xf32>, %i: tensor<2x3xi32>, %v: tensor<10x8xf32>, %o: tensor<2x8xf32>) {
  // expected-error @+1 {{weights must have rank 2 (tokens x selected), got 'tensor<6xf32>'}}
  %y = sieve.gather_sum ins(%w, %i, %v : tensor<6xf32>, tensor<2x3xi32>, tensor<10x8xf32>) outs(%o : tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @table_rank(%w: tensor<2x3xf32>, %i: tensor<2x3xi32>, %v: tensor<10xf32>, %o: tensor<2x8xf32>) {
  // expected-error @+1 {{table must have rank 2 (table rows x width), got 'tensor<10xf32>'}}
  %y = sieve.gather_sum ins(%w, %i, %v : tensor<2x3xf32>, tensor<2x3xi32>, tensor<10xf32>) outs(%o : tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @init_width(%w: tensor<2x3xf32>, %i: tensor<2x3xi32>, %v: tensor<10x8xf32>, %o: tensor<2x7xf32>) {
  // expected-error @+1 {{init has shape 2x7 but must be tokens x width = 2x8}}
  %y = sieve.gather_sum ins(%w, %i, %v : tensor<2x3xf32>, tensor<2x3xi32>, tensor<10x8xf32>) outs(%o : tensor<2x7xf32>) -> tensor<2x7xf32>
  return
}

// -----

func.func @table_element_type(%w: tensor<2x3xf32>, %i: tensor<2x3xi32>, %v: tensor<10x8xbf16>, %o: tensor<2x8xf32>) {
  // expected-error @+1 {{table has element type 'bf16' but weights has 'f32'}}
  %y = sieve.gather_sum ins(%w, %i, %v : tensor<2x3xf32>, tensor<2x3xi32>, tensor<10x8xbf16>) outs(%o : tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}
