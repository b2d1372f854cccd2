// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// K = 128 of a d_ff = 2053 MLP (Tab. 1).
// CHECK-LABEL: func.func @paper_k128
// CHECK: sieve.topk_ffn %{{.*}}, %{{.*}}, %{{.*}} {k = 128 : i64} : (tensor<?x512xf32>, tensor<512x2053xf32>, tensor<2053x512xf32>) -> tensor<?x512xf32>
func.func @paper_k128(%x: tensor<?x512xf32>, %w1: tensor<512x2053xf32>,
                      %w2: tensor<2053x512xf32>) -> tensor<?x512xf32> {
  %y = sieve.topk_ffn %x, %w1, %w2 {k = 128 : i64}
      : (tensor<?x512xf32>, tensor<512x2053xf32>, tensor<2053x512xf32>) -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}

// K = d_ff keeps every channel: the dense MLP.
// CHECK-LABEL: func.func @k_equals_d_ff
// CHECK: sieve.topk_ffn {{.*}} {k = 64 : i64}
func.func @k_equals_d_ff(%x: tensor<8x16xf16>, %w1: tensor<16x64xf16>,
                         %w2: tensor<64x16xf16>) -> tensor<8x16xf16> {
  %y = sieve.topk_ffn %x, %w1, %w2 {k = 64 : i64}
      : (tensor<8x16xf16>, tensor<16x64xf16>, tensor<64x16xf16>) -> tensor<8x16xf16>
  return %y : tensor<8x16xf16>
}
