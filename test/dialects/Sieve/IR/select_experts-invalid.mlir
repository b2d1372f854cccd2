// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @k_exceeds_experts(%s: tensor<8x4xf32>, %ei: tensor<8x5xi32>, %gi: tensor<8x5xf32>) {
  // expected-error @+1 {{'sieve.select_experts' op k (5) exceeds num_experts (4)}}
  %e:2 = sieve.select_experts ins(%s : tensor<8x4xf32>) outs(%ei, %gi : tensor<8x5xi32>, tensor<8x5xf32>) {k = 5 : i64} -> tensor<8x5xi32>, tensor<8x5xf32>
  return
}

// -----

func.func @k_zero(%s: tensor<8x4xf32>, %ei: tensor<8x0xi32>, %gi: tensor<8x0xf32>) {
  // expected-error @+1 {{k must be positive, got 0}}
  %e:2 = sieve.select_experts ins(%s : tensor<8x4xf32>) outs(%ei, %gi : tensor<8x0xi32>, tensor<8x0xf32>) {k = 0 : i64} -> tensor<8x0xi32>, tensor<8x0xf32>
  return
}

// -----

func.func @scores_rank(%s: tensor<4xf32>, %ei: tensor<1x1xi32>, %gi: tensor<1x1xf32>) {
  // expected-error @+1 {{scores must have rank 2 (tokens x num_experts), got 'tensor<4xf32>'}}
  %e:2 = sieve.select_experts ins(%s : tensor<4xf32>) outs(%ei, %gi : tensor<1x1xi32>, tensor<1x1xf32>) {k = 1 : i64} -> tensor<1x1xi32>, tensor<1x1xf32>
  return
}

// -----

func.func @keep_shape(%s: tensor<8x4xf32>, %keep: tensor<8x3xi1>, %ei: tensor<8x1xi32>, %gi: tensor<8x1xf32>) {
  // expected-error @+1 {{keep has shape 8x3 but must be tokens x num_experts = 8x4}}
  %e:2 = sieve.select_experts ins(%s : tensor<8x4xf32>) keep(%keep : tensor<8x3xi1>) outs(%ei, %gi : tensor<8x1xi32>, tensor<8x1xf32>) {k = 1 : i64} -> tensor<8x1xi32>, tensor<8x1xf32>
  return
}

// -----

func.func @keep_not_i1(%s: tensor<8x4xf32>, %keep: tensor<8x4xi8>, %ei: tensor<8x1xi32>, %gi: tensor<8x1xf32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor or memref of i1, but got 'tensor<8x4xi8>'}}
  %e:2 = sieve.select_experts ins(%s : tensor<8x4xf32>) keep(%keep : tensor<8x4xi8>) outs(%ei, %gi : tensor<8x1xi32>, tensor<8x1xf32>) {k = 1 : i64} -> tensor<8x1xi32>, tensor<8x1xf32>
  return
}

// -----

func.func @ranking_shape(%s: tensor<8x4xf32>, %r: tensor<4x8xf32>, %ei: tensor<8x1xi32>, %gi: tensor<8x1xf32>) {
  // expected-error @+1 {{ranking has shape 4x8 but must be tokens x num_experts = 8x4}}
  %e:2 = sieve.select_experts ins(%s : tensor<8x4xf32>) ranked_by(%r : tensor<4x8xf32>) outs(%ei, %gi : tensor<8x1xi32>, tensor<8x1xf32>) {k = 1 : i64} -> tensor<8x1xi32>, tensor<8x1xf32>
  return
}

// -----

func.func @experts_shape(%s: tensor<8x4xf32>, %ei: tensor<8x1xi32>, %gi: tensor<8x2xf32>) {
  // expected-error @+1 {{experts_init has shape 8x1 but must be tokens x k = 8x2}}
  %e:2 = sieve.select_experts ins(%s : tensor<8x4xf32>) outs(%ei, %gi : tensor<8x1xi32>, tensor<8x2xf32>) {k = 2 : i64} -> tensor<8x1xi32>, tensor<8x2xf32>
  return
}

// -----

func.func @gates_shape(%s: tensor<8x4xf32>, %ei: tensor<8x2xi32>, %gi: tensor<7x2xf32>) {
  // expected-error @+1 {{gates_init has shape 7x2 but must be tokens x k = 8x2}}
  %e:2 = sieve.select_experts ins(%s : tensor<8x4xf32>) outs(%ei, %gi : tensor<8x2xi32>, tensor<7x2xf32>) {k = 2 : i64} -> tensor<8x2xi32>, tensor<7x2xf32>
  return
}

// -----

func.func @gates_element_type(%s: tensor<8x4xf32>, %ei: tensor<8x2xi32>, %gi: tensor<8x2xbf16>) {
  // expected-error @+1 {{gates_init has element type 'bf16' but scores has 'f32'}}
  %e:2 = sieve.select_experts ins(%s : tensor<8x4xf32>) outs(%ei, %gi : tensor<8x2xi32>, tensor<8x2xbf16>) {k = 2 : i64} -> tensor<8x2xi32>, tensor<8x2xbf16>
  return
}
