func.func @f(%x: tensor<4x8xf32>, %v: tensor<4x9xf32>, %i: tensor<4x9xi32>) {
  %r:2 = sieve.topk ins(%x : tensor<4x8xf32>) outs(%v, %i : tensor<4x9xf32>, tensor<4x9xi32>) {k = 9 : i64} -> tensor<4x9xf32>, tensor<4x9xi32>
  return
}
