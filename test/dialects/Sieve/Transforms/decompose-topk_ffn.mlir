// RUN: sieve-opt %s --sieve-decompose | FileCheck %s

// Eq. 6-7: u = ReLU(W1 x) in full, its top-K, and only K value rows summed.
// CHECK-LABEL: func.func @topk
// CHECK-SAME: (%[[X:.*]]: tensor<?x512xf32>, %[[W1:.*]]: tensor<512x2053xf32>, %[[W2:.*]]: tensor<2053x512xf32>)
// CHECK: %[[H:.*]] = linalg.matmul ins(%[[X]], %[[W1]] : {{.*}}) {{.*}} -> tensor<?x2053xf32>
// CHECK: %[[U:.*]] = linalg.generic {{.*}} ins(%[[H]] : tensor<?x2053xf32>)
// CHECK:   arith.maximumf
// CHECK: %[[TOP:.*]]:2 = sieve.topk ins(%[[U]] : tensor<?x2053xf32>) outs(%{{.*}}, %{{.*}} : tensor<?x128xf32>, tensor<?x128xi32>) {k = 128 : i64}
// CHECK: %[[INIT:.*]] = linalg.fill {{.*}} -> tensor<?x512xf32>
// CHECK: %[[Y:.*]] = sieve.gather_sum ins(%[[TOP]]#0, %[[TOP]]#1, %[[W2]] : tensor<?x128xf32>, tensor<?x128xi32>, tensor<2053x512xf32>) outs(%[[INIT]] : tensor<?x512xf32>)
// CHECK: return %[[Y]]
// CHECK-NOT: sieve.topk_ffn
func.func @topk(%x: tensor<?x512xf32>, %w1: tensor<512x2053xf32>,
                %w2: tensor<2053x512xf32>) -> tensor<?x512xf32> {
  %y = sieve.topk_ffn %x, %w1, %w2 {k = 128 : i64}
      : (tensor<?x512xf32>, tensor<512x2053xf32>, tensor<2053x512xf32>) -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}
