// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @no_iterations(%l: tensor<8x4xf32>, %i: tensor<8x4xf32>) {
  // expected-error @+1 {{'sieve.sinkhorn' op iterations must be positive, got 0}}
  %a = sieve.sinkhorn ins(%l : tensor<8x4xf32>) outs(%i : tensor<8x4xf32>) {iterations = 0 : i64} -> tensor<8x4xf32>
  return
}

// -----

func.func @logits_rank(%l: tensor<2x8x4xf32>, %i: tensor<8x4xf32>) {
  // expected-error @+1 {{logits must have rank 2 (tokens x num_experts), got 'tensor<2x8x4xf32>'}}
  %a = sieve.sinkhorn ins(%l : tensor<2x8x4xf32>) outs(%i : tensor<8x4xf32>) {iterations = 3 : i64} -> tensor<8x4xf32>
  return
}

// -----

func.func @init_shape(%l: tensor<8x4xf32>, %i: tensor<8x5xf32>) {
  // expected-error @+1 {{init has shape 8x5 but must be tokens x num_experts = 8x4}}
  %a = sieve.sinkhorn ins(%l : tensor<8x4xf32>) outs(%i : tensor<8x5xf32>) {iterations = 3 : i64} -> tensor<8x5xf32>
  return
}

// -----

func.func @init_type(%l: tensor<8x4xf32>, %i: tensor<8x4xf16>) {
  // expected-error @+1 {{init has element type 'f16' but logits has 'f32'}}
  %a = sieve.sinkhorn ins(%l : tensor<8x4xf32>) outs(%i : tensor<8x4xf16>) {iterations = 3 : i64} -> tensor<8x4xf16>
  return
}

// -----

func.func @mixed_semantics(%l: memref<8x4xf32>, %i: tensor<8x4xf32>) {
  // expected-error @+1 {{mixes tensor and memref operands}}
  %a = sieve.sinkhorn ins(%l : memref<8x4xf32>) outs(%i : tensor<8x4xf32>) {iterations = 3 : i64} -> tensor<8x4xf32>
  return
}
