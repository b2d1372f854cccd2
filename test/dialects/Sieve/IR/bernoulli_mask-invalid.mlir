// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @probability_above_one(%seed: i64, %i: tensor<8x4xi1>) {
  // expected-error @+1 {{'sieve.bernoulli_mask' op keep_probability must be in [0, 1], got 1.5}}
  %m = sieve.bernoulli_mask ins(%seed : i64) outs(%i : tensor<8x4xi1>) {keep_probability = 1.5} -> tensor<8x4xi1>
  return
}

// -----

func.func @not_a_mask(%seed: i64, %i: tensor<8x4xf32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor or memref of i1, but got 'tensor<8x4xf32>'}}
  %m = sieve.bernoulli_mask ins(%seed : i64) outs(%i : tensor<8x4xf32>) {keep_probability = 0.5} -> tensor<8x4xf32>
  return
}

// -----

func.func @seed_not_i64(%seed: i32, %i: tensor<8x4xi1>) {
  // expected-error @+1 {{operand #0 must be 64-bit signless integer, but got 'i32'}}
  %m = "sieve.bernoulli_mask"(%seed, %i) <{keep_probability = 0.5 : f64, stream = 0 : i64}> : (i32, tensor<8x4xi1>) -> tensor<8x4xi1>
  return
}
