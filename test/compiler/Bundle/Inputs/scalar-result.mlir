func.func @f(%x: tensor<?x16xf32>, %s: i64) -> i64 {
  return %s : i64
}
