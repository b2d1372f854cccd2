// RUN: sieve-opt %s -split-input-file -sieve-decompose -sieve-generate-backward -canonicalize -cse | FileCheck %s

// Dense MLP (Eq. 1-2): the forward function also returns the ReLU's input
// u; the backward function takes it, with dy, recomputes h = ReLU(u) (an
// activation is recomputed, not saved), and returns dx, dw1, dw2 from
// transposed matmuls and the ReLU's derivative.
// CHECK-LABEL: func.func @dense(
// CHECK-SAME: -> (tensor<?x8xf32> {sieve.name = "y"}, tensor<?x24xf32> {sieve.name = "saved0"})
// CHECK-NOT: sieve.backward
// CHECK: %[[U:.*]] = linalg.matmul ins(
// CHECK: return %[[Y:.*]], %[[U]] :
// CHECK-LABEL: func.func @dense_backward(
// CHECK-SAME: %[[X:.*]]: tensor<?x8xf32> {sieve.name = "x"}, %[[W1:.*]]: tensor<8x24xf32> {sieve.name = "w1"}, %[[W2:.*]]: tensor<24x8xf32> {sieve.name = "w2"},
// CHECK-SAME: %[[SU:.*]]: tensor<?x24xf32> {sieve.name = "saved0", sieve.tokens_multiple = 1 : i64},
// CHECK-SAME: %[[DY:.*]]: tensor<?x8xf32> {sieve.name = "dy"})
// CHECK-SAME: -> (tensor<?x8xf32> {sieve.name = "dx"}, tensor<8x24xf32> {sieve.name = "dw1"}, tensor<24x8xf32> {sieve.name = "dw2"})
// CHECK: %[[H:.*]] = linalg.generic {{.*}} ins(%[[SU]] :
// CHECK: arith.maximumf
// CHECK: %[[DH:.*]] = linalg.matmul indexing_maps = {{.*}} ins(%[[DY]], %[[W2]] :
// CHECK: %[[DW2:.*]] = linalg.matmul indexing_maps = {{.*}} ins(%[[H]], %[[DY]] :
// CHECK: %[[DU:.*]] = linalg.generic {{.*}} ins(%[[SU]], %[[DH]] :
// CHECK: arith.cmpf ogt
// CHECK: %[[DX:.*]] = linalg.matmul indexing_maps = {{.*}} ins(%[[DU]], %[[W1]] :
// CHECK: %[[DW1:.*]] = linalg.matmul indexing_maps = {{.*}} ins(%[[X]], %[[DU]] :
// CHECK: return %[[DX]], %[[DW1]], %[[DW2]]
func.func @dense(%x: tensor<?x8xf32> {sieve.name = "x"}, %w1: tensor<8x24xf32> {sieve.name = "w1"}, %w2: tensor<24x8xf32> {sieve.name = "w2"}) -> (tensor<?x8xf32> {sieve.name = "y"}) attributes {sieve.backward = "dense_backward"} {
  %y = sieve.dense_ffn %x, %w1, %w2 : (tensor<?x8xf32>, tensor<8x24xf32>, tensor<24x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// σ-MoE (Eq. 11, 20-22): the gates' gradient comes from pair_dot against
// the unscaled gradient of the down-projection, through select_grad with
// the dropout mask and the sigmoid; the entropy regulariser adds its own.
// Routing (indices, dispatch, the mask) is saved, never differentiated.
// Unnamed arguments give gradients named after their positions.
// CHECK-LABEL: func.func @sigma_moe(
// CHECK-SAME: tensor<?xi32> {sieve.name = "saved{{[0-9]+}}"}
// CHECK-LABEL: func.func @sigma_moe_backward(
// CHECK-SAME: tensor<?xi32> {sieve.name = "saved{{[0-9]+}}", sieve.tokens_multiple = 4 : i64}
// CHECK-SAME: {sieve.name = "dy"}, %{{.*}}: tensor<f32> {sieve.name = "daux_loss"})
// CHECK-SAME: -> (tensor<?x16xf32> {sieve.name = "darg0"}, tensor<8x16x6xf32> {sieve.name = "darg1"}, tensor<8x6x16xf32> {sieve.name = "darg2"}, tensor<16x8xf32> {sieve.name = "darg3"})
// CHECK-DAG: sieve.entropy_reg_grad
// CHECK-DAG: sieve.cvmm_weight_grad {{.*}} scale({{.*}}) {{.*}} {grad_rows = #sieve.rows<token>, input_rows = #sieve.rows<sorted>, k = 4 : i64}
// CHECK-DAG: sieve.cvmm {{.*}} {input_rows = #sieve.rows<token>, k = 4 : i64, output_rows = #sieve.rows<sorted>, transpose_weight}
// CHECK-DAG: sieve.pair_dot
// CHECK-DAG: sieve.scale_rows
// CHECK-DAG: sieve.cvmm_weight_grad {{.*}} {grad_rows = #sieve.rows<sorted>, input_rows = #sieve.rows<token>, k = 4 : i64}
// CHECK-DAG: sieve.cvmm {{.*}} {input_rows = #sieve.rows<sorted>, k = 4 : i64, output_rows = #sieve.rows<token>, transpose_weight}
// CHECK-DAG: sieve.select_grad {{.*}} keep(
// CHECK-NOT: sieve.dispatch
// CHECK-NOT: sieve.bernoulli_mask
// CHECK: return
func.func @sigma_moe(%x: tensor<?x16xf32>, %w1: tensor<8x16x6xf32>, %w2: tensor<8x6x16xf32>, %w3: tensor<16x8xf32>, %seed: i64) -> (tensor<?x16xf32> {sieve.name = "y"}, tensor<f32> {sieve.name = "aux_loss"}) attributes {sieve.backward = "sigma_moe_backward"} {
  %y, %r = sieve.moe_ffn %x, %w1, %w2, %w3 seed(%seed) {num_experts = 8 : i64, expert_size = 6 : i64, k = 4 : i64, selection_activation = #sieve.selection_activation<sigmoid>, expert_dropout = 0.25, regularizer = #sieve.regularizer<entropy>, regularizer_weight = 0.01, train} : (tensor<?x16xf32>, tensor<8x16x6xf32>, tensor<8x6x16xf32>, tensor<16x8xf32>, i64) -> (tensor<?x16xf32>, tensor<f32>)
  return %y, %r : tensor<?x16xf32>, tensor<f32>
}

// -----

// Switch (softmax, K = 1, Eq. 15-17): the softmax's adjoint is a reduction
// and an elementwise generic; the load-balancing loss has its own adjoint.
// CHECK-LABEL: func.func @switch_backward(
// CHECK-DAG: sieve.switch_reg_grad
// CHECK-DAG: sieve.select_grad
// CHECK-DAG: iterator_types = ["parallel", "reduction"]
func.func @switch(%x: tensor<?x16xf32>, %w1: tensor<4x16x6xf32>, %w2: tensor<4x6x16xf32>, %w3: tensor<16x4xf32>) -> (tensor<?x16xf32>, tensor<f32>) attributes {sieve.backward = "switch_backward"} {
  %y, %r = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 6 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<softmax>, regularizer = #sieve.regularizer<switch>, regularizer_weight = 0.01, train} : (tensor<?x16xf32>, tensor<4x16x6xf32>, tensor<4x6x16xf32>, tensor<16x4xf32>) -> (tensor<?x16xf32>, tensor<f32>)
  return %y, %r : tensor<?x16xf32>, tensor<f32>
}

// -----

// Softmax renormalised after top-K (Eq. 25).
// CHECK-LABEL: func.func @renorm_backward(
// CHECK: sieve.select_grad {{.*}} {renormalize}
func.func @renorm(%x: tensor<?x16xf32>, %w1: tensor<8x16x6xf32>, %w2: tensor<8x6x16xf32>, %w3: tensor<16x8xf32>) -> tensor<?x16xf32> attributes {sieve.backward = "renorm_backward"} {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 8 : i64, expert_size = 6 : i64, k = 2 : i64, selection_activation = #sieve.selection_activation<softmax_renorm>, train} : (tensor<?x16xf32>, tensor<8x16x6xf32>, tensor<8x6x16xf32>, tensor<16x8xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// Top-K activation (Eq. 6-7): the selected values scatter back through
// select_grad; W2's rows get scatter_sum, the activations gather_dot.
// CHECK-LABEL: func.func @topk_backward(
// CHECK-DAG: sieve.gather_dot
// CHECK-DAG: sieve.scatter_sum
// CHECK-DAG: sieve.select_grad
func.func @topk(%x: tensor<?x8xf32>, %w1: tensor<8x24xf32>, %w2: tensor<24x8xf32>) -> tensor<?x8xf32> attributes {sieve.backward = "topk_backward"} {
  %y = sieve.topk_ffn %x, %w1, %w2 {k = 5 : i64} : (tensor<?x8xf32>, tensor<8x24xf32>, tensor<24x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// PKM (Eq. 8): the sub-key scores get product_key_grad; the halves of x
// their gradients through slices inserted into dx.
// CHECK-LABEL: func.func @pkm_backward(
// CHECK-DAG: sieve.product_key_grad
// CHECK-DAG: sieve.scatter_sum
// CHECK-DAG: tensor.insert_slice
func.func @pkm(%x: tensor<?x8xf32>, %ka: tensor<4x2x5xf32>, %kb: tensor<4x2x5xf32>, %v: tensor<25x8xf32>) -> tensor<?x8xf32> attributes {sieve.backward = "pkm_backward"} {
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 5 : i64, heads = 2 : i64, k = 3 : i64, activation = #sieve.pkm_activation<softmax>} : (tensor<?x8xf32>, tensor<4x2x5xf32>, tensor<4x2x5xf32>, tensor<25x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// A function without the attribute is left alone.
// CHECK-LABEL: func.func @inference(
// CHECK-SAME: -> tensor<?x8xf32>
// CHECK-NOT: func.func @inference_backward
func.func @inference(%x: tensor<?x8xf32>, %w1: tensor<8x24xf32>, %w2: tensor<24x8xf32>) -> tensor<?x8xf32> {
  %y = sieve.dense_ffn %x, %w1, %w2 : (tensor<?x8xf32>, tensor<8x24xf32>, tensor<24x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
