// RUN: sieve-opt %s --sieve-decompose | FileCheck %s

// Eq. 8 with ReLU: sub-key scores per half for all heads at once, product-key
// top-K, ReLU, one gather-sum over heads x K rows of the shared values.
// CHECK-LABEL: func.func @pkm_relu
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[KA:.*]]: tensor<4x2x6xf32>, %[[KB:.*]]: tensor<4x2x6xf32>, %[[V:.*]]: tensor<36x8xf32>)
// CHECK: %[[XA:.*]] = tensor.extract_slice %[[X]][0, 0] [%{{.*}}, 4] [1, 1] : tensor<?x8xf32> to tensor<?x4xf32>
// CHECK: %[[KA2:.*]] = tensor.collapse_shape %[[KA]] {{\[}}[0], [1, 2]] : tensor<4x2x6xf32> into tensor<4x12xf32>
// CHECK: %[[UA:.*]] = linalg.matmul ins(%[[XA]], %[[KA2]] : tensor<?x4xf32>, tensor<4x12xf32>)
// CHECK: %[[UA3:.*]] = tensor.expand_shape %[[UA]] {{\[}}[0], [1, 2]] output_shape [%{{.*}}, 2, 6] : tensor<?x12xf32> into tensor<?x2x6xf32>
// CHECK: %[[XB:.*]] = tensor.extract_slice %[[X]][0, 4] [%{{.*}}, 4] [1, 1]
// CHECK: %[[KB2:.*]] = tensor.collapse_shape %[[KB]]
// CHECK: %[[UB:.*]] = linalg.matmul ins(%[[XB]], %[[KB2]]
// CHECK: %[[UB3:.*]] = tensor.expand_shape %[[UB]]
// CHECK: %[[TOP:.*]]:2 = sieve.product_key_topk ins(%[[UA3]], %[[UB3]] : tensor<?x2x6xf32>, tensor<?x2x6xf32>) outs(%{{.*}}, %{{.*}} : tensor<?x2x3xf32>, tensor<?x2x3xi32>) {k = 3 : i64}
// CHECK: %[[ACT:.*]] = linalg.generic {{.*}} ins(%[[TOP]]#0 : tensor<?x2x3xf32>)
// CHECK:   arith.maximumf
// CHECK-DAG: %[[W:.*]] = tensor.collapse_shape %[[ACT]] {{\[}}[0], [1, 2]] : tensor<?x2x3xf32> into tensor<?x6xf32>
// CHECK-DAG: %[[IDX:.*]] = tensor.collapse_shape %[[TOP]]#1 {{\[}}[0], [1, 2]] : tensor<?x2x3xi32> into tensor<?x6xi32>
// CHECK: %[[Y:.*]] = sieve.gather_sum ins(%[[W]], %[[IDX]], %[[V]] : tensor<?x6xf32>, tensor<?x6xi32>, tensor<36x8xf32>) outs(%{{.*}} : tensor<?x8xf32>)
// CHECK: return %[[Y]]
func.func @pkm_relu(%x: tensor<?x8xf32>, %ka: tensor<4x2x6xf32>, %kb: tensor<4x2x6xf32>,
                    %v: tensor<36x8xf32>) -> tensor<?x8xf32> {
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 6 : i64, heads = 2 : i64,
      k = 3 : i64, activation = #sieve.pkm_activation<relu>}
      : (tensor<?x8xf32>, tensor<4x2x6xf32>, tensor<4x2x6xf32>, tensor<36x8xf32>)
      -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// The original PKM: softmax over the K selected scores of each head.
// CHECK-LABEL: func.func @pkm_softmax
// CHECK: %[[TOP:.*]]:2 = sieve.product_key_topk
// CHECK: %[[ACT:.*]] = linalg.softmax dimension(2) ins(%[[TOP]]#0 : tensor<16x1x4xf16>)
// CHECK: sieve.gather_sum
// CHECK-NOT: sieve.pkm_ffn
func.func @pkm_softmax(%x: tensor<16x8xf16>, %ka: tensor<4x1x5xf16>, %kb: tensor<4x1x5xf16>,
                       %v: tensor<25x8xf16>) -> tensor<16x8xf16> {
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 5 : i64, heads = 1 : i64,
      k = 4 : i64, activation = #sieve.pkm_activation<softmax>}
      : (tensor<16x8xf16>, tensor<4x1x5xf16>, tensor<4x1x5xf16>, tensor<25x8xf16>)
      -> tensor<16x8xf16>
  return %y : tensor<16x8xf16>
}
