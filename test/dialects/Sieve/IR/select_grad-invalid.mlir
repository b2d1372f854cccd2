// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @indices_shape(%s: tensor<8x16xf32>, %i: tensor<8x3xi32>, %dg: tensor<8x4xf32>, %o: tensor<8x16xf32>) {
  // expected-error @+1 {{'sieve.select_grad' op grad_selected has shape 8x4 but must be tokens x k = 8x3}}
  %d = sieve.select_grad ins(%s, %i, %dg : tensor<8x16xf32>, tensor<8x3xi32>, tensor<8x4xf32>) outs(%o : tensor<8x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @keep_shape(%s: tensor<8x16xf32>, %i: tensor<8x4xi32>, %dg: tensor<8x4xf32>, %m: tensor<8x15xi1>, %o: tensor<8x16xf32>) {
  // expected-error @+1 {{keep has shape 8x15 but must be tokens x N = 8x16}}
  %d = sieve.select_grad ins(%s, %i, %dg : tensor<8x16xf32>, tensor<8x4xi32>, tensor<8x4xf32>) keep(%m : tensor<8x15xi1>) outs(%o : tensor<8x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @init_tokens(%s: tensor<8x16xf32>, %i: tensor<8x4xi32>, %dg: tensor<8x4xf32>, %o: tensor<7x16xf32>) {
  // expected-error @+1 {{init has shape 7x16 but must be tokens x N = 8x16}}
  %d = sieve.select_grad ins(%s, %i, %dg : tensor<8x16xf32>, tensor<8x4xi32>, tensor<8x4xf32>) outs(%o : tensor<7x16xf32>) -> tensor<7x16xf32>
  return
}

// -----

func.func @element_type(%s: tensor<8x16xf32>, %i: tensor<8x4xi32>, %dg: tensor<8x4xf16>, %o: tensor<8x16xf32>) {
  // expected-error @+1 {{grad_selected has element type 'f16' but scores has 'f32'}}
  %d = sieve.select_grad ins(%s, %i, %dg : tensor<8x16xf32>, tensor<8x4xi32>, tensor<8x4xf16>) outs(%o : tensor<8x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

func.func @mixed(%s: tensor<8x16xf32>, %i: tensor<8x4xi32>, %dg: tensor<8x4xf32>, %o: memref<8x16xf32>) {
  // expected-error @+1 {{mixes tensor and memref operands}}
  sieve.select_grad ins(%s, %i, %dg : tensor<8x16xf32>, tensor<8x4xi32>, tensor<8x4xf32>) outs(%o : memref<8x16xf32>)
  return
}
