// RUN: sieve-opt %s -split-input-file -sieve-generate-backward -verify-diagnostics

// expected-error @+1 {{sieve.backward must name the backward function (a string)}}
func.func @not_a_name(%x: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {sieve.backward = 3 : i64} {
  return %x : tensor<?x4xf32>
}

// -----

func.func @taken_backward(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
// expected-error @+1 {{cannot generate the backward function 'taken_backward': the module already has a symbol of that name}}
func.func @taken(%x: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {sieve.backward = "taken_backward"} {
  return %x : tensor<?x4xf32>
}

// -----

// expected-error @+1 {{sieve-generate-backward needs a function with one block}}
func.func @blocks(%x: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {sieve.backward = "b"} {
  cf.br ^next
^next:
  return %x : tensor<?x4xf32>
}

// -----

// Sinkhorn only ranks experts: a gradient cannot flow through it.
func.func @through_sinkhorn(%z: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {sieve.backward = "b"} {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %z, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%n) : tensor<?x4xf32>
  // expected-error @+1 {{'sieve.sinkhorn' op has no adjoint (AdjointOpInterface): sieve-generate-backward cannot differentiate through it}}
  %s = sieve.sinkhorn ins(%z : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {iterations = 3 : i64} -> tensor<?x4xf32>
  return %s : tensor<?x4xf32>
}

// -----

#map = affine_map<(d0) -> (d0)>
// A saved value of d0 * d1 elements is no multiple of one token count.
// expected-error @+1 {{saved value 0 of type 'tensor<?xf32>' has a dynamic size that is not a multiple of the token count}}
func.func @square(%x: tensor<?x?xf32>) -> tensor<?xf32> attributes {sieve.backward = "b"} {
  %flat = tensor.collapse_shape %x [[0, 1]] : tensor<?x?xf32> into tensor<?xf32>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %flat, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  // Binary (x * x): not recomputed in the backward, so a is saved.
  %a = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]} ins(%flat, %flat : tensor<?xf32>, tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %t = arith.mulf %in, %in2 : f32
    linalg.yield %t : f32
  } -> tensor<?xf32>
  %b = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%a : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = math.exp %in : f32
    linalg.yield %t : f32
  } -> tensor<?xf32>
  return %b : tensor<?xf32>
}

// -----

func.func @transposed_matmul(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> attributes {sieve.backward = "b"} {
  // expected-error @+1 {{sieve-generate-backward differentiates linalg.matmul only with its default indexing maps, on tensors}}
  %r = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
      ins(%a, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

func.func @reduction(%x: tensor<4x8xf32>, %init: tensor<4xf32>) -> tensor<4xf32> attributes {sieve.backward = "b"} {
  // expected-error @+1 {{sieve-generate-backward differentiates linalg.generic only when it is elementwise: parallel iterators, identity maps, a body that does not read its outputs}}
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x8xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

#map = affine_map<(d0) -> (d0)>
func.func @sine(%x: tensor<4xf32>) -> tensor<4xf32> attributes {sieve.backward = "b"} {
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    // expected-error @+1 {{'math.sin' op has no scalar derivative: sieve-generate-backward cannot differentiate it in the body of a linalg.generic}}
    %s = math.sin %in : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @topk_rank3(%x: tensor<2x3x8xf32>) -> tensor<2x3x2xf32> attributes {sieve.backward = "b"} {
  %v = tensor.empty() : tensor<2x3x2xf32>
  %i = tensor.empty() : tensor<2x3x2xi32>
  // expected-error @+1 {{sieve-generate-backward differentiates sieve.topk only on rank-2 inputs}}
  %r:2 = sieve.topk ins(%x : tensor<2x3x8xf32>) outs(%v, %i : tensor<2x3x2xf32>, tensor<2x3x2xi32>) {k = 2 : i64} -> tensor<2x3x2xf32>, tensor<2x3x2xi32>
  return %r#0 : tensor<2x3x2xf32>
}

// -----

func.func @rank_reducing_slice(%x: tensor<4x8xf32>) -> tensor<8xf32> attributes {sieve.backward = "b"} {
  // expected-error @+1 {{sieve-generate-backward differentiates tensor.extract_slice only without rank reduction}}
  %r = tensor.extract_slice %x[0, 0] [1, 8] [1, 1] : tensor<4x8xf32> to tensor<8xf32>
  return %r : tensor<8xf32>
}
