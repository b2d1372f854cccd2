// RUN: sieve-opt %s | sieve-opt | FileCheck %s
// RUN: sieve-opt %s --mlir-print-op-generic | sieve-opt | FileCheck %s

// Parameter-matched small PKM with ReLU (App. A.3): 62 sub-keys, 4 heads.
// CHECK-LABEL: func.func @relu_param_matched
// CHECK: sieve.pkm_ffn %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {activation = #sieve.pkm_activation<relu>, heads = 4 : i64, k = 32 : i64, num_subkeys = 62 : i64} : (tensor<?x412xf32>, tensor<206x4x62xf32>, tensor<206x4x62xf32>, tensor<3844x412xf32>) -> tensor<?x412xf32>
func.func @relu_param_matched(%x: tensor<?x412xf32>, %ka: tensor<206x4x62xf32>,
                              %kb: tensor<206x4x62xf32>, %v: tensor<3844x412xf32>)
    -> tensor<?x412xf32> {
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 62 : i64, heads = 4 : i64,
      k = 32 : i64, activation = #sieve.pkm_activation<relu>}
      : (tensor<?x412xf32>, tensor<206x4x62xf32>, tensor<206x4x62xf32>,
         tensor<3844x412xf32>) -> tensor<?x412xf32>
  return %y : tensor<?x412xf32>
}

// Value-count-matched PKM with the original softmax: 46 sub-keys (2116 values).
// CHECK-LABEL: func.func @softmax_value_matched
// CHECK: sieve.pkm_ffn {{.*}}activation = #sieve.pkm_activation<softmax>{{.*}}num_subkeys = 46 : i64
func.func @softmax_value_matched(%x: tensor<16x512xbf16>, %ka: tensor<256x4x46xbf16>,
                                 %kb: tensor<256x4x46xbf16>, %v: tensor<2116x512xbf16>)
    -> tensor<16x512xbf16> {
  %y = sieve.pkm_ffn %x, %ka, %kb, %v {num_subkeys = 46 : i64, heads = 4 : i64,
      k = 32 : i64, activation = #sieve.pkm_activation<softmax>}
      : (tensor<16x512xbf16>, tensor<256x4x46xbf16>, tensor<256x4x46xbf16>,
         tensor<2116x512xbf16>) -> tensor<16x512xbf16>
  return %y : tensor<16x512xbf16>
}
