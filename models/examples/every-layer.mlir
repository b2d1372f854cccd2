// Every feed-forward layer of the σ-MoE and MoWE papers, one function each,
// at the sizes of the Enwik8 models (d_model 512, Tab. 8-9 of the σ-MoE paper).
// The main job (`sieve stages`) takes this module through the pipeline.

// Dense baseline, d_ff = 2053 (Tab. 8).
func.func @dense(%x: tensor<?x512xf32>, %w1: tensor<512x2053xf32>,
                 %w2: tensor<2053x512xf32>) -> tensor<?x512xf32> {
  %y = sieve.dense_ffn %x, %w1, %w2
      : (tensor<?x512xf32>, tensor<512x2053xf32>, tensor<2053x512xf32>)
      -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}

// Top-K activation, K = 128 (Tab. 1).
func.func @topk(%x: tensor<?x512xf32>, %w1: tensor<512x2053xf32>,
                %w2: tensor<2053x512xf32>) -> tensor<?x512xf32> {
  %y = sieve.topk_ffn %x, %w1, %w2 {k = 128 : i64}
      : (tensor<?x512xf32>, tensor<512x2053xf32>, tensor<2053x512xf32>)
      -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}

// Parameter-matched PKM with ReLU: 62 sub-keys, 3844 values, 4 heads (App. A.3).
func.func @pkm(%x: tensor<?x512xf32>, %ka: tensor<256x4x62xf32>,
               %kb: tensor<256x4x62xf32>, %v: tensor<3844x512xf32>)
    -> tensor<?x512xf32> {
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {
      num_subkeys = 62 : i64, heads = 4 : i64, k = 32 : i64,
      activation = #sieve.pkm_activation<relu>}
      : (tensor<?x512xf32>, tensor<256x4x62xf32>, tensor<256x4x62xf32>,
         tensor<3844x512xf32>) -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}

// σ-MoE in training: N_E = 16, G = 128, K = 4, δ = 0.05, γ = 1e-4 (Tab. 9).
func.func @sigma_moe(%x: tensor<?x512xf32>, %w1: tensor<16x512x128xf32>,
                     %w2: tensor<16x128x512xf32>, %w3: tensor<512x16xf32>,
                     %seed: i64) -> (tensor<?x512xf32>, tensor<f32>) {
  %y, %reg = sieve.moe_ffn %x, %w1, %w2, %w3 seed(%seed) {
      num_experts = 16 : i64, expert_size = 128 : i64, k = 4 : i64,
      selection_activation = #sieve.selection_activation<sigmoid>,
      expert_dropout = 5.0e-02, regularizer = #sieve.regularizer<entropy>,
      regularizer_weight = 1.0e-04, train}
      : (tensor<?x512xf32>, tensor<16x512x128xf32>, tensor<16x128x512xf32>,
         tensor<512x16xf32>, i64) -> (tensor<?x512xf32>, tensor<f32>)
  return %y, %reg : tensor<?x512xf32>, tensor<f32>
}

// Switch Transformer: softmax, K = 1, G = 512, N_E = 4, γ = 0.01 (Sec. 6.3, App. B).
func.func @switch(%x: tensor<?x512xf32>, %w1: tensor<4x512x512xf32>,
                  %w2: tensor<4x512x512xf32>, %w3: tensor<512x4xf32>)
    -> (tensor<?x512xf32>, tensor<f32>) {
  %y, %reg = sieve.moe_ffn %x, %w1, %w2, %w3 {
      num_experts = 4 : i64, expert_size = 512 : i64, k = 1 : i64,
      selection_activation = #sieve.selection_activation<softmax>,
      regularizer = #sieve.regularizer<switch>, regularizer_weight = 1.0e-02,
      train}
      : (tensor<?x512xf32>, tensor<4x512x512xf32>, tensor<4x512x512xf32>,
         tensor<512x4xf32>) -> (tensor<?x512xf32>, tensor<f32>)
  return %y, %reg : tensor<?x512xf32>, tensor<f32>
}

// S-BASE with K = 4: Sinkhorn-balanced selection in training, sigmoid gates.
func.func @s_base(%x: tensor<?x512xf32>, %w1: tensor<16x512x128xf32>,
                  %w2: tensor<16x128x512xf32>, %w3: tensor<512x16xf32>)
    -> (tensor<?x512xf32>, tensor<f32>) {
  %y, %reg = sieve.moe_ffn %x, %w1, %w2, %w3 {
      num_experts = 16 : i64, expert_size = 128 : i64, k = 4 : i64,
      selection_activation = #sieve.selection_activation<sigmoid>,
      selection = #sieve.selection<sinkhorn>, sinkhorn_iterations = 3 : i64,
      regularizer = #sieve.regularizer<entropy>, regularizer_weight = 1.0e-04,
      train}
      : (tensor<?x512xf32>, tensor<16x512x128xf32>, tensor<16x128x512xf32>,
         tensor<512x16xf32>) -> (tensor<?x512xf32>, tensor<f32>)
  return %y, %reg : tensor<?x512xf32>, tensor<f32>
}

// Softmax selection renormalised after top-K, in evaluation (Tab. 10).
func.func @softmax_renorm(%x: tensor<?x512xf32>, %w1: tensor<16x512x128xf32>,
                          %w2: tensor<16x128x512xf32>, %w3: tensor<512x16xf32>)
    -> tensor<?x512xf32> {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {
      num_experts = 16 : i64, expert_size = 128 : i64, k = 4 : i64,
      selection_activation = #sieve.selection_activation<softmax_renorm>}
      : (tensor<?x512xf32>, tensor<16x512x128xf32>, tensor<16x128x512xf32>,
         tensor<512x16xf32>) -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}

// MoWE, the shape of Tab. 7 scaled down: 16 unrouted ids, a frequent bucket
// with one expert per id and a rare bucket sharing small experts.
func.func @mowe(%x: tensor<?x512xf32>, %ids: tensor<?xi32>,
                %w1a: tensor<64x512x256xf32>, %w2a: tensor<64x256x512xf32>,
                %w1b: tensor<1024x512x16xf32>, %w2b: tensor<1024x16x512xf32>)
    -> tensor<?x512xf32> {
  %y = sieve.mowe_ffn %x, %ids, %w1a, %w2a, %w1b, %w2b {
      routing_vocab_size = 16464 : i64, num_unrouted = 16 : i64,
      buckets = [#sieve.bucket<routing_ids = 64, blocks = 16,
                               experts_per_block = 4, expert_size = 256>,
                 #sieve.bucket<routing_ids = 16384, blocks = 16,
                               experts_per_block = 64, expert_size = 16>]}
      : (tensor<?x512xf32>, tensor<?xi32>, tensor<64x512x256xf32>,
         tensor<64x256x512xf32>, tensor<1024x512x16xf32>,
         tensor<1024x16x512xf32>) -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}
