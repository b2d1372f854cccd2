// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @k_zero(%x: tensor<8x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>) {
  // expected-error @+1 {{'sieve.cvmm' op k must be positive, got 0}}
  %u = sieve.cvmm %x, %w, %p, %o {k = 0 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} : (tensor<8x16xf32>, tensor<4x16x32xf32>, tensor<32xi32>, tensor<5xi32>) -> tensor<32x32xf32>
  return
}

// -----

func.func @pairs_not_multiple_of_k(%x: tensor<?x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<30xi32>, %o: tensor<5xi32>) {
  // expected-error @+1 {{sorted_pairs has 30 entries, not a multiple of k (4)}}
  %u = sieve.cvmm %x, %w, %p, %o {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} : (tensor<?x16xf32>, tensor<4x16x32xf32>, tensor<30xi32>, tensor<5xi32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @offsets_not_experts_plus_one(%x: tensor<8x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<32xi32>, %o: tensor<4xi32>) {
  // expected-error @+1 {{offsets has shape 4 but must be num_experts + 1 = 5}}
  %u = sieve.cvmm %x, %w, %p, %o {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} : (tensor<8x16xf32>, tensor<4x16x32xf32>, tensor<32xi32>, tensor<4xi32>) -> tensor<32x32xf32>
  return
}

// -----

func.func @weight_rank(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>) {
  // expected-error @+1 {{weight must be a rank-3 tensor (num_experts x input width x output width), got 'tensor<16x32xf32>'}}
  %u = sieve.cvmm %x, %w, %p, %o {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} : (tensor<8x16xf32>, tensor<16x32xf32>, tensor<32xi32>, tensor<5xi32>) -> tensor<32x32xf32>
  return
}

// -----

func.func @token_input_rows(%x: tensor<9x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>) {
  // expected-error @+1 {{input has shape 9x16 but must be tokens x input width = 8x16}}
  %u = sieve.cvmm %x, %w, %p, %o {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} : (tensor<9x16xf32>, tensor<4x16x32xf32>, tensor<32xi32>, tensor<5xi32>) -> tensor<?x32xf32>
  return
}

// -----

func.func @sorted_input_rows(%u: tensor<31x32xf32>, %w: tensor<4x32x16xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>) {
  // expected-error @+1 {{input has shape 31x32 but must be tokens * k x input width = 32x32}}
  %y = sieve.cvmm %u, %w, %p, %o {k = 4 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>} : (tensor<31x32xf32>, tensor<4x32x16xf32>, tensor<32xi32>, tensor<5xi32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @input_width(%x: tensor<8x15xf32>, %w: tensor<4x16x32xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>) {
  // expected-error @+1 {{weight has shape 4x16x32 but must be num_experts x input width x output width = 4x15x32}}
  %u = sieve.cvmm %x, %w, %p, %o {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} : (tensor<8x15xf32>, tensor<4x16x32xf32>, tensor<32xi32>, tensor<5xi32>) -> tensor<32x32xf32>
  return
}

// -----

func.func @transposed_widths(%x: tensor<8x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %s: tensor<8x4xf32>) {
  // expected-error @+1 {{weight has shape 4x16x32 but must be num_experts x output width x input width = 4x32x16}}
  %u = sieve.cvmm %x, %w, %p, %o scale(%s) {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>, transpose_weight} : (tensor<8x16xf32>, tensor<4x16x32xf32>, tensor<32xi32>, tensor<5xi32>, tensor<8x4xf32>) -> tensor<32x32xf32>
  return
}

// -----

func.func @result_rows(%u: tensor<32x32xf32>, %w: tensor<4x32x16xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>) {
  // expected-error @+1 {{result has shape 32x16 but must be tokens x output width = 8x16}}
  %y = sieve.cvmm %u, %w, %p, %o {k = 4 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>} : (tensor<32x32xf32>, tensor<4x32x16xf32>, tensor<32xi32>, tensor<5xi32>) -> tensor<32x16xf32>
  return
}

// -----

func.func @scale_shape(%u: tensor<32x32xf32>, %w: tensor<4x32x16xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %s: tensor<8x2xf32>) {
  // expected-error @+1 {{scale has shape 8x2 but must be tokens x k = 8x4}}
  %y = sieve.cvmm %u, %w, %p, %o scale(%s) {k = 4 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>} : (tensor<32x32xf32>, tensor<4x32x16xf32>, tensor<32xi32>, tensor<5xi32>, tensor<8x2xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @scale_element_type(%u: tensor<32x32xf32>, %w: tensor<4x32x16xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %s: tensor<8x4xf16>) {
  // expected-error @+1 {{scale has element type 'f16' but input has 'f32'}}
  %y = sieve.cvmm %u, %w, %p, %o scale(%s) {k = 4 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>} : (tensor<32x32xf32>, tensor<4x32x16xf32>, tensor<32xi32>, tensor<5xi32>, tensor<8x4xf16>) -> tensor<8x16xf32>
  return
}

// -----

func.func @pairs_rank(%x: tensor<8x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<8x4xi32>, %o: tensor<5xi32>) {
  // expected-error @+1 {{sorted_pairs must be a rank-1 tensor (tokens * k), got 'tensor<8x4xi32>'}}
  %u = sieve.cvmm %x, %w, %p, %o {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} : (tensor<8x16xf32>, tensor<4x16x32xf32>, tensor<8x4xi32>, tensor<5xi32>) -> tensor<32x32xf32>
  return
}

// -----

func.func @unknown_row_order(%x: tensor<8x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>) {
  // expected-error @+2 {{expected ::mlir::sieve::RowOrder to be one of: token, sorted}}
  // expected-error @+1 {{failed to parse Sieve_RowOrderAttr parameter}}
  %u = sieve.cvmm %x, %w, %p, %o {k = 4 : i64, input_rows = #sieve.rows<expert>, output_rows = #sieve.rows<sorted>} : (tensor<8x16xf32>, tensor<4x16x32xf32>, tensor<32xi32>, tensor<5xi32>) -> tensor<32x32xf32>
  return
}
