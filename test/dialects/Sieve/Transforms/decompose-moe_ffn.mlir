// RUN: sieve-opt %s --sieve-decompose | FileCheck %s

// σ-MoE in training (Sec. 5): sigmoid scores, expert dropout from the seed
// (Eq. 22), top-K selection, dispatch, gathering CVMM, ReLU, combining CVMM
// scaled by the gates (Eq. 11), entropy regulariser on the logits (Eq. 21).
// CHECK-LABEL: func.func @sigma_moe_train
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[W1:.*]]: tensor<4x8x2xf32>, %[[W2:.*]]: tensor<4x2x8xf32>, %[[W3:.*]]: tensor<8x4xf32>, %[[SEED:.*]]: i64)
// CHECK: %[[LOGITS:.*]] = linalg.matmul ins(%[[X]], %[[W3]] : tensor<?x8xf32>, tensor<8x4xf32>)
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%[[LOGITS]] : tensor<?x4xf32>)
// CHECK:   arith.negf
// CHECK:   math.exp
// CHECK:   arith.divf
// CHECK: %[[MASK_INIT:.*]] = tensor.empty(%{{.*}}) : tensor<?x4xi1>
// CHECK: %[[KEEP:.*]] = sieve.bernoulli_mask ins(%[[SEED]] : i64) outs(%[[MASK_INIT]] : tensor<?x4xi1>) {keep_probability = 7.500000e-01 : f64}
// CHECK: %[[SEL:.*]]:2 = sieve.select_experts ins(%[[S]] : tensor<?x4xf32>) keep(%[[KEEP]] : tensor<?x4xi1>) outs(%{{.*}}, %{{.*}} : tensor<?x2xi32>, tensor<?x2xf32>) {k = 2 : i64}
// CHECK: %[[D:.*]]:2 = sieve.dispatch ins(%[[SEL]]#0 : tensor<?x2xi32>) outs(%{{.*}}, %{{.*}} : tensor<?xi32>, tensor<5xi32>) {num_experts = 4 : i64}
// CHECK: %[[UP_INIT:.*]] = linalg.fill {{.*}} -> tensor<?x2xf32>
// CHECK: %[[UP:.*]] = sieve.cvmm ins(%[[X]], %[[W1]], %[[D]]#0, %[[D]]#1 : {{.*}}) outs(%[[UP_INIT]] : tensor<?x2xf32>) {input_rows = #sieve.rows<token>, k = 2 : i64, output_rows = #sieve.rows<sorted>}
// CHECK: %[[Y_INIT:.*]] = linalg.fill {{.*}} -> tensor<?x8xf32>
// CHECK: %[[H:.*]] = linalg.generic {{.*}} ins(%[[UP]] : tensor<?x2xf32>)
// CHECK:   arith.maximumf
// CHECK: %[[Y:.*]] = sieve.cvmm ins(%[[H]], %[[W2]], %[[D]]#0, %[[D]]#1 : {{.*}}) scale(%[[SEL]]#1 : tensor<?x2xf32>) outs(%[[Y_INIT]] : tensor<?x8xf32>) {input_rows = #sieve.rows<sorted>, k = 2 : i64, output_rows = #sieve.rows<token>}
// CHECK: %[[REG_INIT:.*]] = tensor.empty() : tensor<f32>
// CHECK: %[[REG:.*]] = sieve.entropy_reg ins(%[[LOGITS]] : tensor<?x4xf32>) outs(%[[REG_INIT]] : tensor<f32>) {weight = 1.000000e-03 : f64}
// CHECK: return %[[Y]], %[[REG]]
func.func @sigma_moe_train(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>,
                           %w3: tensor<8x4xf32>, %seed: i64) -> (tensor<?x8xf32>, tensor<f32>) {
  %y, %r = sieve.moe_ffn %x, %w1, %w2, %w3 seed(%seed) {num_experts = 4 : i64,
      expert_size = 2 : i64, k = 2 : i64,
      selection_activation = #sieve.selection_activation<sigmoid>, expert_dropout = 0.25,
      regularizer = #sieve.regularizer<entropy>, regularizer_weight = 0.001, train}
      : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>, i64)
      -> (tensor<?x8xf32>, tensor<f32>)
  return %y, %r : tensor<?x8xf32>, tensor<f32>
}

// The same layer in evaluation: no mask, no regulariser result.
// CHECK-LABEL: func.func @sigma_moe_eval
// CHECK-NOT: sieve.bernoulli_mask
// CHECK: sieve.select_experts ins(%{{.*}} : tensor<16x4xf32>) outs({{.*}}) {k = 2 : i64}
// CHECK-NOT: sieve.entropy_reg
// CHECK: return
func.func @sigma_moe_eval(%x: tensor<16x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>,
                          %w3: tensor<8x4xf32>) -> tensor<16x8xf32> {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64,
      k = 2 : i64, selection_activation = #sieve.selection_activation<sigmoid>,
      expert_dropout = 0.25}
      : (tensor<16x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<16x8xf32>
  return %y : tensor<16x8xf32>
}

// Static tokens: the sorted pairs are tokens * k long.
// CHECK-LABEL: func.func @static_pairs
// CHECK: sieve.dispatch ins(%{{.*}} : tensor<16x2xi32>) outs(%{{.*}}, %{{.*}} : tensor<32xi32>, tensor<5xi32>) {num_experts = 4 : i64}
// CHECK: sieve.cvmm {{.*}} outs(%{{.*}} : tensor<32x2xf32>)
func.func @static_pairs(%x: tensor<16x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>,
                        %w3: tensor<8x4xf32>) -> tensor<16x8xf32> {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64,
      k = 2 : i64, selection_activation = #sieve.selection_activation<sigmoid>}
      : (tensor<16x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<16x8xf32>
  return %y : tensor<16x8xf32>
}

// Switch (Eq. 15-17): softmax scores, top-1, the load-balancing loss reads the
// logits and the selected experts.
// CHECK-LABEL: func.func @switch
// CHECK: %[[LOGITS:.*]] = linalg.matmul
// CHECK: %[[S:.*]] = linalg.softmax dimension(1) ins(%[[LOGITS]] : tensor<?x4xf32>)
// CHECK: %[[SEL:.*]]:2 = sieve.select_experts ins(%[[S]] : tensor<?x4xf32>) outs({{.*}}) {k = 1 : i64}
// CHECK: sieve.cvmm {{.*}} scale(%[[SEL]]#1 : tensor<?x1xf32>)
// CHECK: %[[REG:.*]] = sieve.switch_reg ins(%[[LOGITS]], %[[SEL]]#0 : tensor<?x4xf32>, tensor<?x1xi32>) outs(%{{.*}} : tensor<f32>) {weight = 1.000000e-02 : f64}
// CHECK: return %{{.*}}, %[[REG]]
func.func @switch(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>,
                  %w3: tensor<8x4xf32>) -> (tensor<?x8xf32>, tensor<f32>) {
  %y, %r = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64,
      k = 1 : i64, selection_activation = #sieve.selection_activation<softmax>,
      regularizer = #sieve.regularizer<switch>, regularizer_weight = 0.01, train}
      : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>)
      -> (tensor<?x8xf32>, tensor<f32>)
  return %y, %r : tensor<?x8xf32>, tensor<f32>
}

// S-BASE in training: Sinkhorn on the logits ranks, sigmoid scores gate.
// CHECK-LABEL: func.func @s_base_train
// CHECK: %[[LOGITS:.*]] = linalg.matmul
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%[[LOGITS]]
// CHECK: %[[R:.*]] = sieve.sinkhorn ins(%[[LOGITS]] : tensor<?x4xf32>) outs(%{{.*}} : tensor<?x4xf32>) {iterations = 3 : i64}
// CHECK: sieve.select_experts ins(%[[S]] : tensor<?x4xf32>) ranked_by(%[[R]] : tensor<?x4xf32>) outs({{.*}}) {k = 2 : i64}
func.func @s_base_train(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>,
                        %w3: tensor<8x4xf32>) -> tensor<?x8xf32> {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64,
      k = 2 : i64, selection_activation = #sieve.selection_activation<sigmoid>,
      selection = #sieve.selection<sinkhorn>, train}
      : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// S-BASE in evaluation selects by the scores alone (Sec. 4).
// CHECK-LABEL: func.func @s_base_eval
// CHECK-NOT: sieve.sinkhorn
// CHECK: sieve.select_experts ins(%{{.*}} : tensor<?x4xf32>) outs({{.*}}) {k = 2 : i64}
func.func @s_base_eval(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>,
                       %w3: tensor<8x4xf32>) -> tensor<?x8xf32> {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64,
      k = 2 : i64, selection_activation = #sieve.selection_activation<sigmoid>,
      selection = #sieve.selection<sinkhorn>, sinkhorn_iterations = 5 : i64}
      : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// Softmax renormalised after top-K (Eq. 25).
// CHECK-LABEL: func.func @softmax_renorm
// CHECK: %[[S:.*]] = linalg.softmax dimension(1)
// CHECK: sieve.select_experts ins(%[[S]] : tensor<?x4xbf16>) outs({{.*}}) {k = 2 : i64, renormalize}
// CHECK-NOT: sieve.moe_ffn
func.func @softmax_renorm(%x: tensor<?x8xbf16>, %w1: tensor<4x8x2xbf16>, %w2: tensor<4x2x8xbf16>,
                          %w3: tensor<8x4xbf16>) -> tensor<?x8xbf16> {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64,
      k = 2 : i64, selection_activation = #sieve.selection_activation<softmax_renorm>}
      : (tensor<?x8xbf16>, tensor<4x8x2xbf16>, tensor<4x2x8xbf16>, tensor<8x4xbf16>) -> tensor<?x8xbf16>
  return %y : tensor<?x8xbf16>
}

// Standard dropout on the hidden units (Tab. 10's "standard dropout"): a
// mask from the seed's stream 1 over the sorted hidden rows, applied with
// inverted scaling between the ReLU and the down-projection.
// CHECK-LABEL: func.func @standard_dropout
// CHECK: %[[UP:.*]] = sieve.cvmm
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[UP]] :
// CHECK: %[[MASK:.*]] = sieve.bernoulli_mask ins(%{{.*}} : i64) outs(%{{.*}} : tensor<?x2xi1>) {keep_probability = 8.000000e-01 : f64, stream = 1 : i64}
// CHECK: %[[DROPPED:.*]] = linalg.generic {{.*}} ins(%[[RELU]], %[[MASK]] : tensor<?x2xf32>, tensor<?x2xi1>)
// CHECK: arith.constant 1.250000e+00 : f32
// CHECK: arith.select
// CHECK: sieve.cvmm ins(%[[DROPPED]],
func.func @standard_dropout(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>,
                            %w3: tensor<8x4xf32>, %seed: i64) -> tensor<?x8xf32> {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 seed(%seed) {num_experts = 4 : i64, expert_size = 2 : i64,
      k = 2 : i64, selection_activation = #sieve.selection_activation<sigmoid>,
      activation_dropout = 0.2, train}
      : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>, i64) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
