func.func @f(%x: tensor<?x16xf32>, %s: f32) -> tensor<?x16xf32> {
  return %x : tensor<?x16xf32>
}
