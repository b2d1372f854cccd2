// σ-MoE with its tensors in bf16 (the σ-MoE paper's Fig. 2 layer at N_E 16:
// d_model 512, G 128, K 4), inference and training forward with the
// derived backward. On sm_90a its CVMMs run on the warpgroup MMA with the
// experts' weights read by TMA (sieve-convert-cvmm-to-gpu{wgmma}); on
// sm_80 on mma.sync tiles; on the host as reference loops. Routing scores
// and the regulariser are f32 where the ops say so. The functions are named
// as the GPU suite expects (<stem>_forward, _forward_train, _backward).
//   sieve compile models/examples/sigma-moe-bf16.mlir --target sm_90a -o DIR
func.func @ffn_forward(%x: tensor<?x512xbf16> {sieve.name = "x"},
               %w1: tensor<16x512x128xbf16> {sieve.name = "w1"},
               %w2: tensor<16x128x512xbf16> {sieve.name = "w2"},
               %w3: tensor<512x16xbf16> {sieve.name = "w3"})
    -> (tensor<?x512xbf16> {sieve.name = "y"}) {
  %y = sieve.moe_ffn %x, %w1, %w2, %w3 {
      num_experts = 16 : i64, expert_size = 128 : i64, k = 4 : i64,
      selection_activation = #sieve.selection_activation<sigmoid>}
      : (tensor<?x512xbf16>, tensor<16x512x128xbf16>, tensor<16x128x512xbf16>,
         tensor<512x16xbf16>) -> tensor<?x512xbf16>
  return %y : tensor<?x512xbf16>
}

func.func @ffn_forward_train(%x: tensor<?x512xbf16> {sieve.name = "x"},
                     %w1: tensor<16x512x128xbf16> {sieve.name = "w1"},
                     %w2: tensor<16x128x512xbf16> {sieve.name = "w2"},
                     %w3: tensor<512x16xbf16> {sieve.name = "w3"})
    -> (tensor<?x512xbf16> {sieve.name = "y"}, tensor<f32> {sieve.name = "reg"})
    attributes {sieve.backward = "ffn_backward"} {
  %y, %reg = sieve.moe_ffn %x, %w1, %w2, %w3 {
      num_experts = 16 : i64, expert_size = 128 : i64, k = 4 : i64,
      selection_activation = #sieve.selection_activation<sigmoid>,
      regularizer = #sieve.regularizer<entropy>,
      regularizer_weight = 1.0e-04, train}
      : (tensor<?x512xbf16>, tensor<16x512x128xbf16>, tensor<16x128x512xbf16>,
         tensor<512x16xbf16>) -> (tensor<?x512xbf16>, tensor<f32>)
  return %y, %reg : tensor<?x512xbf16>, tensor<f32>
}
