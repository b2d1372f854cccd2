// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// Expert dropout δ = 0.05 over a dynamic number of tokens.
// CHECK-LABEL: func.func @dynamic_tokens
// CHECK: sieve.bernoulli_mask ins(%{{.*}} : i64) outs(%{{.*}} : tensor<?x16xi1>) {keep_probability = 0.9{{[0-9]+}} : f64, stream = 3 : i64} -> tensor<?x16xi1>
func.func @dynamic_tokens(%seed: i64, %init: tensor<?x16xi1>) -> tensor<?x16xi1> {
  %m = sieve.bernoulli_mask ins(%seed : i64) outs(%init : tensor<?x16xi1>) {keep_probability = 0.95, stream = 3 : i64} -> tensor<?x16xi1>
  return %m : tensor<?x16xi1>
}

// Stream 0 is the default and is not printed.
// CHECK-LABEL: func.func @static_shape_on_buffers
// CHECK: sieve.bernoulli_mask ins(%{{.*}} : i64) outs(%{{.*}} : memref<8x4xi1>) {keep_probability = 5.000000e-01 : f64}
func.func @static_shape_on_buffers(%seed: i64, %init: memref<8x4xi1>) {
  sieve.bernoulli_mask ins(%seed : i64) outs(%init : memref<8x4xi1>) {keep_probability = 0.5}
  return
}
