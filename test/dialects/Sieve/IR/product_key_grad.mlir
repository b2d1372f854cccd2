// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// PKM with 4 heads, 62 sub-keys, K = 32 (App. A.3).
// CHECK-LABEL: func.func @pkm
// CHECK: sieve.product_key_grad ins(%{{.*}}, %{{.*}} : tensor<?x4x32xf32>, tensor<?x4x32xi32>) outs(%{{.*}}, %{{.*}} : tensor<?x4x62xf32>, tensor<?x4x62xf32>) -> tensor<?x4x62xf32>, tensor<?x4x62xf32>
func.func @pkm(%g: tensor<?x4x32xf32>, %i: tensor<?x4x32xi32>, %a: tensor<?x4x62xf32>, %b: tensor<?x4x62xf32>) -> (tensor<?x4x62xf32>, tensor<?x4x62xf32>) {
  %da, %db = sieve.product_key_grad ins(%g, %i : tensor<?x4x32xf32>, tensor<?x4x32xi32>) outs(%a, %b : tensor<?x4x62xf32>, tensor<?x4x62xf32>) -> tensor<?x4x62xf32>, tensor<?x4x62xf32>
  return %da, %db : tensor<?x4x62xf32>, tensor<?x4x62xf32>
}
