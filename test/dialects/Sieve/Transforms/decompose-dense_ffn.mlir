// RUN: sieve-opt %s --sieve-decompose | FileCheck %s

// y = W2 ReLU(W1 x) (Eq. 1-2): two matmuls around an elementwise max(x, 0).
// CHECK-LABEL: func.func @dense
// CHECK-SAME: (%[[X:.*]]: tensor<8x16xf32>, %[[W1:.*]]: tensor<16x64xf32>, %[[W2:.*]]: tensor<64x16xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT1:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<8x64xf32>)
// CHECK: %[[H:.*]] = linalg.matmul ins(%[[X]], %[[W1]] : tensor<8x16xf32>, tensor<16x64xf32>) outs(%[[INIT1]] : tensor<8x64xf32>)
// CHECK: %[[U:.*]] = linalg.generic {{.*}} ins(%[[H]] : tensor<8x64xf32>)
// CHECK:   arith.maximumf
// CHECK: %[[Y:.*]] = linalg.matmul ins(%[[U]], %[[W2]] : tensor<8x64xf32>, tensor<64x16xf32>)
// CHECK: return %[[Y]]
// CHECK-NOT: sieve.dense_ffn
func.func @dense(%x: tensor<8x16xf32>, %w1: tensor<16x64xf32>,
                 %w2: tensor<64x16xf32>) -> tensor<8x16xf32> {
  %y = sieve.dense_ffn %x, %w1, %w2
      : (tensor<8x16xf32>, tensor<16x64xf32>, tensor<64x16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// Dynamic tokens: the intermediate is sized by tensor.dim of x.
// CHECK-LABEL: func.func @dynamic_tokens
// CHECK-SAME: (%[[X:.*]]: tensor<?x16xbf16>
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x16xbf16>
// CHECK: tensor.empty(%[[N]]) : tensor<?x64xbf16>
// CHECK: linalg.matmul {{.*}} -> tensor<?x64xbf16>
// CHECK: linalg.matmul {{.*}} -> tensor<?x16xbf16>
func.func @dynamic_tokens(%x: tensor<?x16xbf16>, %w1: tensor<16x64xbf16>,
                          %w2: tensor<64x16xbf16>) -> tensor<?x16xbf16> {
  %y = sieve.dense_ffn %x, %w1, %w2
      : (tensor<?x16xbf16>, tensor<16x64xbf16>, tensor<64x16xbf16>) -> tensor<?x16xbf16>
  return %y : tensor<?x16xbf16>
}

// A static result from dynamic operands keeps its declared type via tensor.cast.
// CHECK-LABEL: func.func @refined_result
// CHECK: %[[Y:.*]] = linalg.matmul {{.*}} -> tensor<?x16xf32>
// CHECK: %[[C:.*]] = tensor.cast %[[Y]] : tensor<?x16xf32> to tensor<4x16xf32>
// CHECK: return %[[C]]
func.func @refined_result(%x: tensor<?x16xf32>, %w1: tensor<16x64xf32>,
                          %w2: tensor<64x16xf32>) -> tensor<4x16xf32> {
  %y = sieve.dense_ffn %x, %w1, %w2
      : (tensor<?x16xf32>, tensor<16x64xf32>, tensor<64x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
