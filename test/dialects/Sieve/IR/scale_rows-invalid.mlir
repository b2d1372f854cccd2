// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @width(%g: tensor<8x16xf32>, %s: tensor<4x2xf32>, %p: tensor<8xi32>, %o: tensor<5xi32>, %init: tensor<8x15xf32>) {
  // expected-error @+1 {{'sieve.scale_rows' op init has shape 8x15 but must be tokens * k x width = 8x16}}
  %d = sieve.scale_rows ins(%g, %s, %p, %o : tensor<8x16xf32>, tensor<4x2xf32>, tensor<8xi32>, tensor<5xi32>) outs(%init : tensor<8x15xf32>) {k = 2 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<sorted>} -> tensor<8x15xf32>
  return
}

// -----

func.func @pairs(%g: tensor<8x16xf32>, %s: tensor<4x2xf32>, %p: tensor<7xi32>, %o: tensor<5xi32>, %init: tensor<8x16xf32>) {
  // expected-error @+1 {{sorted_pairs has 7 entries, not a multiple of k (2)}}
  %d = sieve.scale_rows ins(%g, %s, %p, %o : tensor<8x16xf32>, tensor<4x2xf32>, tensor<7xi32>, tensor<5xi32>) outs(%init : tensor<8x16xf32>) {k = 2 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<sorted>} -> tensor<8x16xf32>
  return
}

// -----

func.func @scale_type(%g: tensor<8x16xf32>, %s: tensor<4x2xf16>, %p: tensor<8xi32>, %o: tensor<5xi32>, %init: tensor<8x16xf32>) {
  // expected-error @+1 {{scale has element type 'f16' but input has 'f32'}}
  %d = sieve.scale_rows ins(%g, %s, %p, %o : tensor<8x16xf32>, tensor<4x2xf16>, tensor<8xi32>, tensor<5xi32>) outs(%init : tensor<8x16xf32>) {k = 2 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<sorted>} -> tensor<8x16xf32>
  return
}
