// One-shot bufferization turns every primitive on tensors into the same
// primitive on memrefs writing its init buffers; values stay in place where
// they can (the ReLU overwrites the up-projection's buffer).
// RUN: sieve-opt %sieve_src_root/models/examples/every-layer.mlir --sieve-primitives-pipeline --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" | FileCheck %s

// CHECK-NOT: tensor<
// CHECK-LABEL: func.func @topk
// CHECK: sieve.topk ins(%{{.*}} : memref<?x2053xf32>) outs(%{{.*}}, %{{.*}} : memref<?x128xf32>, memref<?x128xi32>) {k = 128 : i64}
// CHECK: sieve.gather_sum ins({{.*}}) outs(%{{.*}} : memref<?x512xf32>)
// CHECK-LABEL: func.func @pkm
// CHECK: sieve.product_key_topk ins({{.*}}) outs({{.*}} : memref<?x4x32xf32>, memref<?x4x32xi32>)
// CHECK-LABEL: func.func @sigma_moe
// CHECK-SAME: (%[[X:.*]]: memref<?x512xf32>, %{{.*}}: memref<16x512x128xf32>, %{{.*}}: memref<16x128x512xf32>, %{{.*}}: memref<512x16xf32>, %[[SEED:.*]]: i64) -> (memref<?x512xf32>, memref<f32>)
// CHECK: sieve.bernoulli_mask ins(%[[SEED]] : i64) outs(%[[MASK:.*]] : memref<?x16xi1>)
// CHECK: sieve.select_experts ins(%{{.*}} : memref<?x16xf32>) keep(%[[MASK]] : memref<?x16xi1>) outs(%[[E:.*]], %[[G:.*]] : memref<?x4xi32>, memref<?x4xf32>)
// CHECK: sieve.dispatch ins(%[[E]] : memref<?x4xi32>) outs(%[[P:.*]], %[[O:.*]] : memref<?xi32>, memref<17xi32>)
// CHECK: sieve.cvmm ins(%[[X]], %{{.*}}, %[[P]], %[[O]] : {{.*}}) outs(%[[U:.*]] : memref<?x128xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[U]] : memref<?x128xf32>) outs(%[[U]] : memref<?x128xf32>)
// CHECK: sieve.cvmm ins(%[[U]], %{{.*}}, %[[P]], %[[O]] : {{.*}}) scale(%[[G]] : memref<?x4xf32>) outs(%{{.*}} : memref<?x512xf32>)
// CHECK: sieve.entropy_reg ins(%{{.*}} : memref<?x16xf32>) outs(%{{.*}} : memref<f32>)
// CHECK-LABEL: func.func @switch
// CHECK: sieve.switch_reg ins({{.*}}) outs(%{{.*}} : memref<f32>)
// CHECK-LABEL: func.func @s_base
// CHECK: sieve.sinkhorn ins(%{{.*}} : memref<?x16xf32>) outs(%{{.*}} : memref<?x16xf32>)
// CHECK-LABEL: func.func @mowe
// CHECK: sieve.word_route ins(%{{.*}} : memref<?xi32>) outs(%{{.*}}, %{{.*}} : memref<?x1xi32>, memref<?x1xi32>)
