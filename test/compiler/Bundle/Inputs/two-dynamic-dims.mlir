func.func @f(%x: tensor<?x?xf32>, %w1: tensor<16x48xf32>, %w2: tensor<48x16xf32>) -> tensor<?x16xf32> {
  %c = tensor.cast %x : tensor<?x?xf32> to tensor<?x16xf32>
  %y = sieve.dense_ffn %c, %w1, %w2 : (tensor<?x16xf32>, tensor<16x48xf32>, tensor<48x16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
