func.func @f(%x: tensor<?x16xf32>, %s: i64) -> tensor<?x16xf32> {
  %n = arith.index_cast %s : i64 to index
  %e = tensor.empty(%n) : tensor<?x16xf32>
  return %e : tensor<?x16xf32>
}
