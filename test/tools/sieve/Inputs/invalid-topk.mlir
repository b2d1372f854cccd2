func.func @f(%x: tensor<4x8xf32>) {
  %v, %i = sieve.topk %x {k = 9 : i64} : (tensor<4x8xf32>) -> (tensor<4x9xf32>, tensor<4x9xi32>)
  return
}
