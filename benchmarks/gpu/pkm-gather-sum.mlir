// The PKM value gather-sum of sieve-gpu-ffn-bench, alone: each token sums
// 128 weighted rows (4 heads x top-32) of a 262144 x 512 f32 value table
// (512 MiB, past any L2), Eq. 7 / Sec. 3.2. Its time against the DRAM
// bandwidth is the issue-6 target (85 % of HBM).
//   sieve compile benchmarks/gpu/pkm-gather-sum.mlir --target sm_90a -o DIR
func.func @pkm_values(%w: tensor<?x128xf32> {sieve.name = "weights"},
                      %i: tensor<?x128xi32> {sieve.name = "indices"},
                      %v: tensor<262144x512xf32> {sieve.name = "values"})
    -> (tensor<?x512xf32> {sieve.name = "y"}) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %w, %c0 : tensor<?x128xf32>
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty(%n) : tensor<?x512xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<?x512xf32>)
      -> tensor<?x512xf32>
  %y = sieve.gather_sum ins(%w, %i, %v : tensor<?x128xf32>, tensor<?x128xi32>,
                                         tensor<262144x512xf32>)
                        outs(%init : tensor<?x512xf32>) -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}
