// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @k_exceeds_experts(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{'sieve.moe_ffn' op k (5) exceeds num_experts (4)}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 5 : i64, selection_activation = #sieve.selection_activation<sigmoid>} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @zero_experts(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{num_experts must be positive, got 0}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 0 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @zero_expert_size(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{expert_size must be positive, got 0}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 0 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

// G * N_E must match the experts the weights hold.
func.func @w1_inconsistent_with_sizes(%x: tensor<?x8xf32>, %w1: tensor<4x8x3xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{w1 has shape 4x8x3 but must be num_experts x d_model x expert_size = 4x8x2}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>} : (tensor<?x8xf32>, tensor<4x8x3xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @w2_wrong_experts(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<8x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{w2 has shape 8x2x8 but must be num_experts x expert_size x d_model = 4x2x8}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<8x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @w3_mismatched_width(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<16x4xf32>) {
  // expected-error @+1 {{w3 has shape 16x4 but must be d_model x num_experts = 8x4}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<16x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @w1_rank_2(%x: tensor<?x8xf32>, %w1: tensor<8x8xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{w1 must have rank 3 (num_experts x d_model x expert_size), got 'tensor<8x8xf32>'}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>} : (tensor<?x8xf32>, tensor<8x8xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @result_width(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{result has shape ?x9 but must be tokens x d_model = ?x8}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x9xf32>
  return
}

// -----

func.func @w3_element_type(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xbf16>) {
  // expected-error @+1 {{w3 has element type 'bf16' but x has 'f32'}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xbf16>) -> tensor<?x8xf32>
  return
}

// -----

func.func @iterations_without_sinkhorn(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{sinkhorn_iterations is only used with selection = sinkhorn}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>, sinkhorn_iterations = 3 : i64} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @zero_sinkhorn_iterations(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{sinkhorn_iterations must be positive, got 0}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>, selection = #sieve.selection<sinkhorn>, sinkhorn_iterations = 0 : i64} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @sinkhorn_with_softmax(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{selection = sinkhorn (S-BASE, Eq. 18-19) gates experts with sigmoid scores: selection_activation must be sigmoid, got softmax}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<softmax>, selection = #sieve.selection<sinkhorn>} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @dropout_out_of_range(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{expert_dropout must be in [0, 1), got 1}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>, expert_dropout = 1.0} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @activation_dropout_out_of_range(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{activation_dropout must be in [0, 1), got -5.000000e-01}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>, activation_dropout = -0.5} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @activation_dropout_without_seed(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{dropout (expert 0.000000e+00, activation 1.000000e-01) in training needs a seed operand}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>, activation_dropout = 0.1, train} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @dropout_without_seed(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{dropout (expert 5.000000e-02, activation 0.000000e+00) in training needs a seed operand}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>, expert_dropout = 0.05, train} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @seed_in_evaluation(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>, %seed: i64) {
  // expected-error @+1 {{seed is only used by dropout in training (train and expert_dropout or activation_dropout > 0)}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 seed(%seed) {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>, expert_dropout = 0.05} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>, i64) -> tensor<?x8xf32>
  return
}

// -----

func.func @regularizer_without_weight(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{regularizer entropy needs a regularizer_weight (gamma)}}
  %y, %r = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>, regularizer = #sieve.regularizer<entropy>} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> (tensor<?x8xf32>, tensor<f32>)
  return
}

// -----

func.func @weight_without_regularizer(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{regularizer_weight is only used with a regularizer}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>, regularizer_weight = 0.01} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @negative_gamma(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{regularizer_weight must be finite and non-negative, got -1.000000e-02}}
  %y, %r = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>, regularizer = #sieve.regularizer<switch>, regularizer_weight = -0.01} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> (tensor<?x8xf32>, tensor<f32>)
  return
}

// -----

func.func @regularizer_without_loss_result(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{regularizer switch yields an auxiliary loss: the op needs a second result of type tensor<f32>}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<softmax>, regularizer = #sieve.regularizer<switch>, regularizer_weight = 0.01} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @loss_result_without_regularizer(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{has an auxiliary loss result but no regularizer}}
  %y, %r = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> (tensor<?x8xf32>, tensor<f32>)
  return
}

// -----

func.func @loss_not_f32(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+1 {{result #1 must be 0D tensor of 32-bit float values, but got 'tensor<f16>'}}
  %y, %r = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>, regularizer = #sieve.regularizer<entropy>, regularizer_weight = 0.01} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> (tensor<?x8xf32>, tensor<f16>)
  return
}

// -----

func.func @unknown_selection_activation(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+2 {{expected ::mlir::sieve::SelectionActivation to be one of: sigmoid, softmax, softmax_renorm}}
  // expected-error @+1 {{failed to parse Sieve_SelectionActivationAttr parameter}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<relu>} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @unknown_regularizer(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+2 {{expected ::mlir::sieve::Regularizer to be one of: none, entropy, switch}}
  // expected-error @+1 {{failed to parse Sieve_RegularizerAttr parameter}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>, regularizer = #sieve.regularizer<l2>} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @unknown_selection(%x: tensor<?x8xf32>, %w1: tensor<4x8x2xf32>, %w2: tensor<4x2x8xf32>, %w3: tensor<8x4xf32>) {
  // expected-error @+2 {{expected ::mlir::sieve::ExpertSelection to be one of: topk, sinkhorn}}
  // expected-error @+1 {{failed to parse Sieve_ExpertSelectionAttr parameter}}
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64, expert_size = 2 : i64, k = 1 : i64, selection_activation = #sieve.selection_activation<sigmoid>, selection = #sieve.selection<hash>} : (tensor<?x8xf32>, tensor<4x8x2xf32>, tensor<4x2x8xf32>, tensor<8x4xf32>) -> tensor<?x8xf32>
  return
}
