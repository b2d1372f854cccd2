// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// σ-MoE of the 262M WikiText-103 model in training (Tab. 9: N_E 32, G 128,
// K 4, δ 0.2, γ 0.001).
// CHECK-LABEL: func.func @sigma_moe_train
// CHECK: %{{.*}}, %{{.*}} = sieve.moe_ffn %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} seed(%{{.*}}) {expert_dropout = 2.000000e-01 : f64, expert_size = 128 : i64, k = 4 : i64, num_experts = 32 : i64, regularizer = #sieve.regularizer<entropy>, regularizer_weight = 1.000000e-03 : f64, selection_activation = #sieve.selection_activation<sigmoid>, train} : (tensor<?x1024xbf16>, tensor<32x1024x128xbf16>, tensor<32x128x1024xbf16>, tensor<1024x32xbf16>, i64) -> (tensor<?x1024xbf16>, tensor<f32>)
func.func @sigma_moe_train(%x: tensor<?x1024xbf16>, %w1: tensor<32x1024x128xbf16>,
                           %w2: tensor<32x128x1024xbf16>, %w3: tensor<1024x32xbf16>,
                           %seed: i64) -> (tensor<?x1024xbf16>, tensor<f32>) {
  %y, %reg = sieve.moe_ffn %x, %w1, %w2, %w3 seed(%seed) {
      num_experts = 32 : i64, expert_size = 128 : i64, k = 4 : i64,
      selection_activation = #sieve.selection_activation<sigmoid>,
      expert_dropout = 0.2, regularizer = #sieve.regularizer<entropy>,
      regularizer_weight = 0.001, train}
      : (tensor<?x1024xbf16>, tensor<32x1024x128xbf16>, tensor<32x128x1024xbf16>,
         tensor<1024x32xbf16>, i64) -> (tensor<?x1024xbf16>, tensor<f32>)
  return %y, %reg : tensor<?x1024xbf16>, tensor<f32>
}

// The same layer in evaluation: no seed, no dropout, regulariser optional.
// CHECK-LABEL: func.func @sigma_moe_eval
// CHECK: sieve.moe_ffn %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {expert_size = 128 : i64, k = 4 : i64, num_experts = 16 : i64, selection_activation = #sieve.selection_activation<sigmoid>} : (tensor<?x512xf32>, tensor<16x512x128xf32>, tensor<16x128x512xf32>, tensor<512x16xf32>) -> tensor<?x512xf32>
func.func @sigma_moe_eval(%x: tensor<?x512xf32>, %w1: tensor<16x512x128xf32>,
                          %w2: tensor<16x128x512xf32>, %w3: tensor<512x16xf32>)
    -> tensor<?x512xf32> {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 16 : i64,
      expert_size = 128 : i64, k = 4 : i64,
      selection_activation = #sieve.selection_activation<sigmoid>}
      : (tensor<?x512xf32>, tensor<16x512x128xf32>, tensor<16x128x512xf32>,
         tensor<512x16xf32>) -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}

// Switch Transformer (Eq. 15-17): softmax, top-1, G = 512.
// CHECK-LABEL: func.func @switch
// CHECK: sieve.moe_ffn {{.*}}regularizer = #sieve.regularizer<switch>, regularizer_weight = 1.000000e-02 : f64, selection_activation = #sieve.selection_activation<softmax>
func.func @switch(%x: tensor<?x412xf32>, %w1: tensor<4x412x512xf32>,
                  %w2: tensor<4x512x412xf32>, %w3: tensor<412x4xf32>)
    -> (tensor<?x412xf32>, tensor<f32>) {
  %y, %reg = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64,
      expert_size = 512 : i64, k = 1 : i64,
      selection_activation = #sieve.selection_activation<softmax>,
      regularizer = #sieve.regularizer<switch>, regularizer_weight = 0.01, train}
      : (tensor<?x412xf32>, tensor<4x412x512xf32>, tensor<4x512x412xf32>,
         tensor<412x4xf32>) -> (tensor<?x412xf32>, tensor<f32>)
  return %y, %reg : tensor<?x412xf32>, tensor<f32>
}

// S-BASE with K = 1, G = 512 and its Sinkhorn iteration count; selection = topk is
// the default and is not printed.
// CHECK-LABEL: func.func @s_base
// CHECK: sieve.moe_ffn {{.*}}selection = #sieve.selection<sinkhorn>{{.*}}sinkhorn_iterations = 5 : i64
func.func @s_base(%x: tensor<64x412xf32>, %w1: tensor<4x412x512xf32>,
                  %w2: tensor<4x512x412xf32>, %w3: tensor<412x4xf32>)
    -> (tensor<64x412xf32>, tensor<f32>) {
  %y, %reg = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 4 : i64,
      expert_size = 512 : i64, k = 1 : i64,
      selection_activation = #sieve.selection_activation<sigmoid>,
      selection = #sieve.selection<sinkhorn>, sinkhorn_iterations = 5 : i64,
      regularizer = #sieve.regularizer<entropy>, regularizer_weight = 0.001, train}
      : (tensor<64x412xf32>, tensor<4x412x512xf32>, tensor<4x512x412xf32>,
         tensor<412x4xf32>) -> (tensor<64x412xf32>, tensor<f32>)
  return %y, %reg : tensor<64x412xf32>, tensor<f32>
}

// Softmax renormalised after top-K, with a zero regulariser weight.
// CHECK-LABEL: func.func @softmax_renorm
// CHECK: sieve.moe_ffn {{.*}}selection_activation = #sieve.selection_activation<softmax_renorm>
func.func @softmax_renorm(%x: tensor<?x64xf16>, %w1: tensor<8x64x16xf16>,
                          %w2: tensor<8x16x64xf16>, %w3: tensor<64x8xf16>)
    -> (tensor<?x64xf16>, tensor<f32>) {
  %y, %reg = sieve.moe_ffn %x, %w1, %w2, %w3 {num_experts = 8 : i64,
      expert_size = 16 : i64, k = 8 : i64,
      selection_activation = #sieve.selection_activation<softmax_renorm>,
      regularizer = #sieve.regularizer<entropy>, regularizer_weight = 0.0}
      : (tensor<?x64xf16>, tensor<8x64x16xf16>, tensor<8x16x64xf16>,
         tensor<64x8xf16>) -> (tensor<?x64xf16>, tensor<f32>)
  return %y, %reg : tensor<?x64xf16>, tensor<f32>
}
