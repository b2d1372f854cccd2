// Primitives must be on buffers before they become loops.
// RUN: not sieve-opt %s --sieve-convert-to-scf 2>&1 | FileCheck %s

// CHECK: error: 'sieve.topk' op must be bufferized before sieve-convert-to-scf (it still has tensor operands)
func.func @on_tensors(%u: tensor<4x8xf32>, %v: tensor<4x2xf32>, %i: tensor<4x2xi32>) -> tensor<4x2xf32> {
  %r:2 = sieve.topk ins(%u : tensor<4x8xf32>) outs(%v, %i : tensor<4x2xf32>, tensor<4x2xi32>) {k = 2 : i64} -> tensor<4x2xf32>, tensor<4x2xi32>
  return %r#0 : tensor<4x2xf32>
}
