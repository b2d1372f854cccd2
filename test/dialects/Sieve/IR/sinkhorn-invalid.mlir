// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @no_iterations(%l: tensor<8x4xf32>) {
  // expected-error @+1 {{'sieve.sinkhorn' op iterations must be positive, got 0}}
  %a = sieve.sinkhorn %l {iterations = 0 : i64} : (tensor<8x4xf32>) -> tensor<8x4xf32>
  return
}

// -----

func.func @logits_rank(%l: tensor<2x8x4xf32>) {
  // expected-error @+1 {{logits must be a rank-2 tensor (tokens x num_experts), got 'tensor<2x8x4xf32>'}}
  %a = sieve.sinkhorn %l {iterations = 3 : i64} : (tensor<2x8x4xf32>) -> tensor<8x4xf32>
  return
}

// -----

func.func @result_shape(%l: tensor<8x4xf32>) {
  // expected-error @+1 {{result has shape 8x5 but must be tokens x num_experts = 8x4}}
  %a = sieve.sinkhorn %l {iterations = 3 : i64} : (tensor<8x4xf32>) -> tensor<8x5xf32>
  return
}

// -----

func.func @result_type(%l: tensor<8x4xf32>) {
  // expected-error @+1 {{result has element type 'f16' but logits has 'f32'}}
  %a = sieve.sinkhorn %l {iterations = 3 : i64} : (tensor<8x4xf32>) -> tensor<8x4xf16>
  return
}
