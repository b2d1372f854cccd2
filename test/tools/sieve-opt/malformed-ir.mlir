// Malformed or ill-typed IR gives a located diagnostic and a non-zero exit.
// RUN: not sieve-opt %s -split-input-file 2>&1 | FileCheck %s
// RUN: sieve-opt %s -split-input-file -verify-diagnostics

// CHECK: malformed-ir.mlir:[[@LINE+3]]:{{[0-9]+}}: error: expected ':'
func.func @missing_types(%x: tensor<8x16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<64x16xf32>) {
  // expected-error @+1 {{expected ':'}}
  %y = sieve.dense_ffn %x, %w1, %w2
  return
}

// -----

// CHECK: malformed-ir.mlir:[[@LINE+3]]:{{[0-9]+}}: error: custom op 'sieve.conv2d' is unknown
func.func @unknown_op(%x: tensor<8x16xf32>) {
  // expected-error @+1 {{custom op 'sieve.conv2d' is unknown}}
  %y = sieve.conv2d %x : (tensor<8x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

// CHECK: malformed-ir.mlir:[[@LINE+3]]:{{[0-9]+}}: error: {{.*}}'sieve.topk_ffn' op attribute 'k' failed to satisfy constraint: 64-bit signless integer attribute
func.func @attribute_of_wrong_kind(%x: tensor<8x16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<64x16xf32>) {
  // expected-error @+1 {{'sieve.topk_ffn' op attribute 'k' failed to satisfy constraint: 64-bit signless integer attribute}}
  %y = sieve.topk_ffn %x, %w1, %w2 {k = "four"} : (tensor<8x16xf32>, tensor<16x64xf32>, tensor<64x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

// CHECK: malformed-ir.mlir:[[@LINE+3]]:{{[0-9]+}}: error: expected ','
func.func @wrong_operand_count(%x: tensor<8x16xf32>, %w1: tensor<16x64xf32>) {
  // expected-error @+1 {{expected ','}}
  %y = sieve.dense_ffn %x, %w1 : (tensor<8x16xf32>, tensor<16x64xf32>, tensor<64x16xf32>) -> tensor<8x16xf32>
  return
}

// -----

// CHECK: malformed-ir.mlir:[[@LINE+4]]:{{[0-9]+}}: error: use of value '%w2' expects different type than prior uses
// expected-note @+1 {{prior use here}}
func.func @operand_type_mismatch(%x: tensor<8x16xf32>, %w1: tensor<16x64xf32>, %w2: tensor<64x16xf32>) {
  // expected-error @+1 {{use of value '%w2' expects different type than prior uses: 'tensor<64x8xf32>' vs 'tensor<64x16xf32>'}}
  %y = sieve.dense_ffn %x, %w1, %w2 : (tensor<8x16xf32>, tensor<16x64xf32>, tensor<64x8xf32>) -> tensor<8x16xf32>
  return
}

// -----

// CHECK: malformed-ir.mlir:[[@LINE+3]]:{{[0-9]+}}: error: 'sieve.moe_ffn' op k (9) exceeds num_experts (4)
func.func @verifier_error(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{'sieve.moe_ffn' op k (9) exceeds num_experts (4)}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 9 : i64, selection_activation = #sieve.selection_activation<sigmoid>} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

// CHECK: malformed-ir.mlir:[[@LINE+3]]:{{[0-9]+}}: error: 'sieve.select_experts' op requires attribute 'k'
func.func @generic_form_missing_property(%s: tensor<8x4xf32>, %ei: tensor<8x1xi32>, %gi: tensor<8x1xf32>) {
  // expected-error @+1 {{'sieve.select_experts' op requires attribute 'k'}}
  %e, %g = "sieve.select_experts"(%s, %ei, %gi) <{operandSegmentSizes = array<i32: 1, 0, 0, 1, 1>}> : (tensor<8x4xf32>, tensor<8x1xi32>, tensor<8x1xf32>) -> (tensor<8x1xi32>, tensor<8x1xf32>)
  return
}

// -----

// CHECK: malformed-ir.mlir:[[@LINE+3]]:{{[0-9]+}}: error: 'sieve.select_experts' op operand count (4) does not match with the total size (3) specified in attribute 'operandSegmentSizes'
func.func @generic_form_bad_segments(%s: tensor<8x4xf32>, %m: tensor<8x4xi1>, %ei: tensor<8x1xi32>, %gi: tensor<8x1xf32>) {
  // expected-error @+1 {{'sieve.select_experts' op operand count (4) does not match with the total size (3) specified in attribute 'operandSegmentSizes'}}
  %e, %g = "sieve.select_experts"(%s, %m, %ei, %gi) <{k = 1 : i64, operandSegmentSizes = array<i32: 1, 0, 0, 1, 1>}> : (tensor<8x4xf32>, tensor<8x4xi1>, tensor<8x1xi32>, tensor<8x1xf32>) -> (tensor<8x1xi32>, tensor<8x1xf32>)
  return
}
