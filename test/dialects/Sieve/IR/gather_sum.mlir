// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// PKM values: 4 heads x 32 selected rows of a 3844-row table.
// CHECK-LABEL: func.func @pkm_values
// CHECK: sieve.gather_sum %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x128xf32>, tensor<?x128xi32>, tensor<3844x512xf32>) -> tensor<?x512xf32>
func.func @pkm_values(%w: tensor<?x128xf32>, %i: tensor<?x128xi32>, %v: tensor<3844x512xf32>)
    -> tensor<?x512xf32> {
  %y = sieve.gather_sum %w, %i, %v
      : (tensor<?x128xf32>, tensor<?x128xi32>, tensor<3844x512xf32>) -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}

// CHECK-LABEL: func.func @half_precision
// CHECK: sieve.gather_sum {{.*}} -> tensor<2x8xf16>
func.func @half_precision(%w: tensor<2x3xf16>, %i: tensor<2x3xi32>, %v: tensor<10x8xf16>)
    -> tensor<2x8xf16> {
  %y = sieve.gather_sum %w, %i, %v
      : (tensor<2x3xf16>, tensor<2x3xi32>, tensor<10x8xf16>) -> tensor<2x8xf16>
  return %y : tensor<2x8xf16>
}
