// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// CHECK-LABEL: func.func @static_shapes
// CHECK: sieve.dense_ffn %{{.*}}, %{{.*}}, %{{.*}} : (tensor<8x16xf32>, tensor<16x64xf32>, tensor<64x16xf32>) -> tensor<8x16xf32>
func.func @static_shapes(%x: tensor<8x16xf32>, %w1: tensor<16x64xf32>,
                         %w2: tensor<64x16xf32>) -> tensor<8x16xf32> {
  %y = sieve.dense_ffn %x, %w1, %w2
      : (tensor<8x16xf32>, tensor<16x64xf32>, tensor<64x16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// CHECK-LABEL: func.func @dynamic_tokens_bf16
// CHECK: sieve.dense_ffn %{{.*}} : (tensor<?x512xbf16>, tensor<512x2053xbf16>, tensor<2053x512xbf16>) -> tensor<?x512xbf16>
func.func @dynamic_tokens_bf16(%x: tensor<?x512xbf16>, %w1: tensor<512x2053xbf16>,
                               %w2: tensor<2053x512xbf16>) -> tensor<?x512xbf16> {
  %y = sieve.dense_ffn %x, %w1, %w2
      : (tensor<?x512xbf16>, tensor<512x2053xbf16>, tensor<2053x512xbf16>) -> tensor<?x512xbf16>
  return %y : tensor<?x512xbf16>
}

// CHECK-LABEL: func.func @f16
// CHECK: sieve.dense_ffn {{.*}} -> tensor<4x8xf16>
func.func @f16(%x: tensor<4x8xf16>, %w1: tensor<8x32xf16>,
               %w2: tensor<32x8xf16>) -> tensor<4x8xf16> {
  %y = sieve.dense_ffn %x, %w1, %w2
      : (tensor<4x8xf16>, tensor<8x32xf16>, tensor<32x8xf16>) -> tensor<4x8xf16>
  return %y : tensor<4x8xf16>
}
