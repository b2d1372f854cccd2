// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @k_zero(%x: tensor<8x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %i: tensor<32x32xf32>) {
  // expected-error @+1 {{'sieve.cvmm' op k must be positive, got 0}}
  %u = sieve.cvmm ins(%x, %w, %p, %o : tensor<8x16xf32>, tensor<4x16x32xf32>, tensor<32xi32>, tensor<5xi32>) outs(%i : tensor<32x32xf32>) {k = 0 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} -> tensor<32x32xf32>
  return
}

// -----

func.func @pairs_not_multiple_of_k(%x: tensor<?x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<30xi32>, %o: tensor<5xi32>, %i: tensor<?x32xf32>) {
  // expected-error @+1 {{sorted_pairs has 30 entries, not a multiple of k (4)}}
  %u = sieve.cvmm ins(%x, %w, %p, %o : tensor<?x16xf32>, tensor<4x16x32xf32>, tensor<30xi32>, tensor<5xi32>) outs(%i : tensor<?x32xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} -> tensor<?x32xf32>
  return
}

// -----

func.func @offsets_not_experts_plus_one(%x: tensor<8x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<32xi32>, %o: tensor<4xi32>, %i: tensor<32x32xf32>) {
  // expected-error @+1 {{offsets has shape 4 but must be num_experts + 1 = 5}}
  %u = sieve.cvmm ins(%x, %w, %p, %o : tensor<8x16xf32>, tensor<4x16x32xf32>, tensor<32xi32>, tensor<4xi32>) outs(%i : tensor<32x32xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} -> tensor<32x32xf32>
  return
}

// -----

func.func @weight_rank(%x: tensor<8x16xf32>, %w: tensor<16x32xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %i: tensor<32x32xf32>) {
  // expected-error @+1 {{weight must have rank 3 (num_experts x input width x output width), got 'tensor<16x32xf32>'}}
  %u = sieve.cvmm ins(%x, %w, %p, %o : tensor<8x16xf32>, tensor<16x32xf32>, tensor<32xi32>, tensor<5xi32>) outs(%i : tensor<32x32xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} -> tensor<32x32xf32>
  return
}

// -----

func.func @token_input_rows(%x: tensor<9x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %i: tensor<?x32xf32>) {
  // expected-error @+1 {{input has shape 9x16 but must be tokens x input width = 8x16}}
  %u = sieve.cvmm ins(%x, %w, %p, %o : tensor<9x16xf32>, tensor<4x16x32xf32>, tensor<32xi32>, tensor<5xi32>) outs(%i : tensor<?x32xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} -> tensor<?x32xf32>
  return
}

// -----

func.func @sorted_input_rows(%u: tensor<31x32xf32>, %w: tensor<4x32x16xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %i: tensor<8x16xf32>) {
  // expected-error @+1 {{input has shape 31x32 but must be tokens * k x input width = 32x32}}
  %y = sieve.cvmm ins(%u, %w, %p, %o : tensor<31x32xf32>, tensor<4x32x16xf32>, tensor<32xi32>, tensor<5xi32>) outs(%i : tensor<8x16xf32>) {k = 4 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>} -> tensor<8x16xf32>
  return
}

// -----

func.func @input_width(%x: tensor<8x15xf32>, %w: tensor<4x16x32xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %i: tensor<32x32xf32>) {
  // expected-error @+1 {{weight has shape 4x16x32 but must be num_experts x input width x output width = 4x15x32}}
  %u = sieve.cvmm ins(%x, %w, %p, %o : tensor<8x15xf32>, tensor<4x16x32xf32>, tensor<32xi32>, tensor<5xi32>) outs(%i : tensor<32x32xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} -> tensor<32x32xf32>
  return
}

// -----

func.func @transposed_widths(%x: tensor<8x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %s: tensor<8x4xf32>, %i: tensor<32x32xf32>) {
  // expected-error @+1 {{weight has shape 4x16x32 but must be num_experts x output width x input width = 4x32x16}}
  %u = sieve.cvmm ins(%x, %w, %p, %o : tensor<8x16xf32>, tensor<4x16x32xf32>, tensor<32xi32>, tensor<5xi32>) scale(%s : tensor<8x4xf32>) outs(%i : tensor<32x32xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>, transpose_weight} -> tensor<32x32xf32>
  return
}

// -----

func.func @init_rows(%u: tensor<32x32xf32>, %w: tensor<4x32x16xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %i: tensor<32x16xf32>) {
  // expected-error @+1 {{init has shape 32x16 but must be tokens x output width = 8x16}}
  %y = sieve.cvmm ins(%u, %w, %p, %o : tensor<32x32xf32>, tensor<4x32x16xf32>, tensor<32xi32>, tensor<5xi32>) outs(%i : tensor<32x16xf32>) {k = 4 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>} -> tensor<32x16xf32>
  return
}

// -----

func.func @scale_shape(%u: tensor<32x32xf32>, %w: tensor<4x32x16xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %s: tensor<8x2xf32>, %i: tensor<8x16xf32>) {
  // expected-error @+1 {{scale has shape 8x2 but must be tokens x k = 8x4}}
  %y = sieve.cvmm ins(%u, %w, %p, %o : tensor<32x32xf32>, tensor<4x32x16xf32>, tensor<32xi32>, tensor<5xi32>) scale(%s : tensor<8x2xf32>) outs(%i : tensor<8x16xf32>) {k = 4 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>} -> tensor<8x16xf32>
  return
}

// -----

func.func @scale_element_type(%u: tensor<32x32xf32>, %w: tensor<4x32x16xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %s: tensor<8x4xf16>, %i: tensor<8x16xf32>) {
  // expected-error @+1 {{scale has element type 'f16' but input has 'f32'}}
  %y = sieve.cvmm ins(%u, %w, %p, %o : tensor<32x32xf32>, tensor<4x32x16xf32>, tensor<32xi32>, tensor<5xi32>) scale(%s : tensor<8x4xf16>) outs(%i : tensor<8x16xf32>) {k = 4 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>} -> tensor<8x16xf32>
  return
}

// -----

func.func @pairs_rank(%x: tensor<8x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<8x4xi32>, %o: tensor<5xi32>, %i: tensor<32x32xf32>) {
  // expected-error @+1 {{sorted_pairs must have rank 1 (tokens * k), got 'tensor<8x4xi32>'}}
  %u = sieve.cvmm ins(%x, %w, %p, %o : tensor<8x16xf32>, tensor<4x16x32xf32>, tensor<8x4xi32>, tensor<5xi32>) outs(%i : tensor<32x32xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} -> tensor<32x32xf32>
  return
}

// -----

func.func @unknown_row_order(%x: tensor<8x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %i: tensor<32x32xf32>) {
  // expected-error @+2 {{expected ::mlir::sieve::RowOrder to be one of: token, sorted}}
  // expected-error @+1 {{failed to parse Sieve_RowOrderAttr parameter}}
  %u = sieve.cvmm ins(%x, %w, %p, %o : tensor<8x16xf32>, tensor<4x16x32xf32>, tensor<32xi32>, tensor<5xi32>) outs(%i : tensor<32x32xf32>) {k = 4 : i64, input_rows = #sieve.rows<expert>, output_rows = #sieve.rows<sorted>} -> tensor<32x32xf32>
  return
}

// -----

func.func @mixed_semantics(%x: tensor<8x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %i: memref<32x32xf32>) {
  // expected-error @+1 {{'sieve.cvmm' op mixes tensor and memref operands: all must be tensors (value semantics) or all memrefs (buffer semantics)}}
  sieve.cvmm ins(%x, %w, %p, %o : tensor<8x16xf32>, tensor<4x16x32xf32>, tensor<32xi32>, tensor<5xi32>) outs(%i : memref<32x32xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>}
  return
}

// -----

func.func @result_differs_from_init(%x: tensor<8x16xf32>, %w: tensor<4x16x32xf32>, %p: tensor<32xi32>, %o: tensor<5xi32>, %i: tensor<32x32xf32>) {
  // expected-error @+1 {{'sieve.cvmm' op expected type of operand #4 ('tensor<32x32xf32>') to match type of corresponding result ('tensor<?x32xf32>')}}
  %u = sieve.cvmm ins(%x, %w, %p, %o : tensor<8x16xf32>, tensor<4x16x32xf32>, tensor<32xi32>, tensor<5xi32>) outs(%i : tensor<32x32xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} -> tensor<?x32xf32>
  return
}

// -----

func.func @result_on_buffers(%x: memref<8x16xf32>, %w: memref<4x16x32xf32>, %p: memref<32xi32>, %o: memref<5xi32>, %i: memref<32x32xf32>) {
  // expected-error @+1 {{'sieve.cvmm' op expected the number of tensor results (1) to be equal to the number of output tensors (0)}}
  %u = sieve.cvmm ins(%x, %w, %p, %o : memref<8x16xf32>, memref<4x16x32xf32>, memref<32xi32>, memref<5xi32>) outs(%i : memref<32x32xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} -> tensor<32x32xf32>
  return
}
