// The main job's example module holds every layer op; after sieve-decompose
// none is left, and the module still verifies (sieve-opt verifies its output).
// RUN: sieve-opt %sieve_src_root/models/examples/every-layer.mlir --sieve-decompose | FileCheck %s
// RUN: sieve-opt %sieve_src_root/models/examples/every-layer.mlir | FileCheck %s --check-prefix=INPUT

// INPUT-COUNT-1: sieve.dense_ffn
// INPUT-COUNT-1: sieve.topk_ffn
// INPUT-COUNT-1: sieve.pkm_ffn
// INPUT-COUNT-4: sieve.moe_ffn
// INPUT-COUNT-1: sieve.mowe_ffn

// CHECK-NOT: sieve.dense_ffn
// CHECK-NOT: sieve.topk_ffn
// CHECK-NOT: sieve.pkm_ffn
// CHECK-NOT: sieve.moe_ffn
// CHECK-NOT: sieve.mowe_ffn
// CHECK-LABEL: func.func @dense
// CHECK: linalg.matmul
// CHECK-LABEL: func.func @topk
// CHECK: sieve.topk
// CHECK-LABEL: func.func @pkm
// CHECK: sieve.product_key_topk
// CHECK-LABEL: func.func @sigma_moe
// CHECK: sieve.bernoulli_mask
// CHECK-LABEL: func.func @switch
// CHECK: sieve.switch_reg
// CHECK-LABEL: func.func @s_base
// CHECK: sieve.sinkhorn
// CHECK-LABEL: func.func @softmax_renorm
// CHECK: renormalize
// CHECK-LABEL: func.func @mowe
// CHECK: sieve.word_route
