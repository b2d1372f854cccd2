// Every primitive states its dynamic result sizes in terms of its operands:
// tensor.dim of a result resolves to operand sizes and the (pure) op goes away.
// RUN: sieve-opt %s --resolve-ranked-shaped-type-result-dims --canonicalize --cse | FileCheck %s

// CHECK-LABEL: func.func @select_experts
// CHECK-SAME: (%[[S:.*]]: tensor<?x?xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[S]], %c0
// CHECK-NOT: sieve.
// CHECK: return %[[N]], %[[N]]
func.func @select_experts(%s: tensor<?x?xf32>) -> (index, index) {
  %c0 = arith.constant 0 : index
  %e, %g = sieve.select_experts %s {k = 2 : i64} : (tensor<?x?xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  %a = tensor.dim %e, %c0 : tensor<?x2xi32>
  %b = tensor.dim %g, %c0 : tensor<?x2xf32>
  return %a, %b : index, index
}

// CHECK-LABEL: func.func @sinkhorn
// CHECK-SAME: (%[[L:.*]]: tensor<?x?xf32>)
// CHECK-DAG: %[[N:.*]] = tensor.dim %[[L]], %c0
// CHECK-DAG: %[[E:.*]] = tensor.dim %[[L]], %c1
// CHECK: return %[[N]], %[[E]]
func.func @sinkhorn(%l: tensor<?x?xf32>) -> (index, index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = sieve.sinkhorn %l {iterations = 3 : i64} : (tensor<?x?xf32>) -> tensor<?x?xf32>
  %n = tensor.dim %a, %c0 : tensor<?x?xf32>
  %e = tensor.dim %a, %c1 : tensor<?x?xf32>
  return %n, %e : index, index
}

// The sorted pairs number tokens * k.
// CHECK-LABEL: func.func @dispatch
// CHECK-SAME: (%[[E:.*]]: tensor<?x4xi32>)
// CHECK: %[[N:.*]] = tensor.dim %[[E]], %c0
// CHECK: %[[P:.*]] = arith.muli %[[N]], %c4
// CHECK: return %[[P]]
func.func @dispatch(%e: tensor<?x4xi32>) -> index {
  %c0 = arith.constant 0 : index
  %p, %o = sieve.dispatch %e {num_experts = 8 : i64} : (tensor<?x4xi32>) -> (tensor<?xi32>, tensor<9xi32>)
  %n = tensor.dim %p, %c0 : tensor<?xi32>
  return %n : index
}

// Sorted rows are the pairs; token rows are pairs / k; columns come from the
// weight, transposed or not.
// CHECK-LABEL: func.func @cvmm
// CHECK-SAME: (%[[X:.*]]: tensor<?x?xf32>, %[[W:.*]]: tensor<?x?x?xf32>, %[[P:.*]]: tensor<?xi32>, %[[O:.*]]: tensor<5xi32>)
// CHECK-DAG: %[[PAIRS:.*]] = tensor.dim %[[P]], %c0
// CHECK-DAG: %[[L:.*]] = tensor.dim %[[W]], %c2
// CHECK-DAG: %[[TOKENS:.*]] = arith.divui %[[PAIRS]], %c2
// CHECK-DAG: %[[M:.*]] = tensor.dim %[[W]], %c1
// CHECK: return %[[PAIRS]], %[[L]], %[[TOKENS]], %[[M]]
func.func @cvmm(%x: tensor<?x?xf32>, %w: tensor<?x?x?xf32>, %p: tensor<?xi32>, %o: tensor<5xi32>)
    -> (index, index, index, index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %u = sieve.cvmm %x, %w, %p, %o {k = 2 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>}
      : (tensor<?x?xf32>, tensor<?x?x?xf32>, tensor<?xi32>, tensor<5xi32>) -> tensor<?x?xf32>
  %t = sieve.cvmm %u, %w, %p, %o {k = 2 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>, transpose_weight}
      : (tensor<?x?xf32>, tensor<?x?x?xf32>, tensor<?xi32>, tensor<5xi32>) -> tensor<?x?xf32>
  %a = tensor.dim %u, %c0 : tensor<?x?xf32>
  %b = tensor.dim %u, %c1 : tensor<?x?xf32>
  %c = tensor.dim %t, %c0 : tensor<?x?xf32>
  %d = tensor.dim %t, %c1 : tensor<?x?xf32>
  return %a, %b, %c, %d : index, index, index, index
}

// CHECK-LABEL: func.func @cvmm_weight_grad
// CHECK-SAME: (%[[X:.*]]: tensor<?x?xf32>, %[[DU:.*]]: tensor<?x?xf32>, %[[P:.*]]: tensor<?xi32>, %[[O:.*]]: tensor<?xi32>)
// CHECK-DAG: %[[OFFS:.*]] = tensor.dim %[[O]], %c0
// CHECK-DAG: %[[E:.*]] = arith.subi %[[OFFS]], %c1
// CHECK-DAG: %[[M:.*]] = tensor.dim %[[X]], %c1
// CHECK-DAG: %[[L:.*]] = tensor.dim %[[DU]], %c1
// CHECK: return %[[E]], %[[M]], %[[L]]
func.func @cvmm_weight_grad(%x: tensor<?x?xf32>, %du: tensor<?x?xf32>, %p: tensor<?xi32>, %o: tensor<?xi32>)
    -> (index, index, index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %dw = sieve.cvmm_weight_grad %x, %du, %p, %o {k = 2 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>}
      : (tensor<?x?xf32>, tensor<?x?xf32>, tensor<?xi32>, tensor<?xi32>) -> tensor<?x?x?xf32>
  %e = tensor.dim %dw, %c0 : tensor<?x?x?xf32>
  %m = tensor.dim %dw, %c1 : tensor<?x?x?xf32>
  %l = tensor.dim %dw, %c2 : tensor<?x?x?xf32>
  return %e, %m, %l : index, index, index
}

// CHECK-LABEL: func.func @topk_and_product_keys
// CHECK-SAME: (%[[U:.*]]: tensor<?x?x?xf32>, %[[A:.*]]: tensor<?x?x8xf32>, %[[B:.*]]: tensor<?x?x8xf32>)
// CHECK-DAG: %[[D0:.*]] = tensor.dim %[[U]], %c0
// CHECK-DAG: %[[D1:.*]] = tensor.dim %[[U]], %c1
// CHECK-DAG: %[[H:.*]] = tensor.dim %[[A]], %c1
// CHECK: return %[[D0]], %[[D1]], %[[H]]
func.func @topk_and_product_keys(%u: tensor<?x?x?xf32>, %a: tensor<?x?x8xf32>, %b: tensor<?x?x8xf32>)
    -> (index, index, index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %v, %i = sieve.topk %u {k = 3 : i64} : (tensor<?x?x?xf32>) -> (tensor<?x?x3xf32>, tensor<?x?x3xi32>)
  %s, %j = sieve.product_key_topk %a, %b {k = 3 : i64} : (tensor<?x?x8xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x3xf32>, tensor<?x?x3xi32>)
  %d0 = tensor.dim %v, %c0 : tensor<?x?x3xf32>
  %d1 = tensor.dim %i, %c1 : tensor<?x?x3xi32>
  %h = tensor.dim %s, %c1 : tensor<?x?x3xf32>
  return %d0, %d1, %h : index, index, index
}

// CHECK-LABEL: func.func @gather_route_mask
// CHECK-SAME: (%[[W:.*]]: tensor<?x3xf32>, %[[I:.*]]: tensor<?x3xi32>, %[[T:.*]]: tensor<10x?xf32>, %[[IDS:.*]]: tensor<?xi32>, %[[SEED:.*]]: i64, %[[N:.*]]: index)
// CHECK-DAG: %[[TOKENS:.*]] = tensor.dim %[[W]], %c0
// CHECK-DAG: %[[WIDTH:.*]] = tensor.dim %[[T]], %c1
// CHECK-DAG: %[[ROUTED:.*]] = tensor.dim %[[IDS]], %c0
// CHECK: return %[[TOKENS]], %[[WIDTH]], %[[ROUTED]], %[[N]]
func.func @gather_route_mask(%w: tensor<?x3xf32>, %i: tensor<?x3xi32>, %t: tensor<10x?xf32>,
                             %ids: tensor<?xi32>, %seed: i64, %n: index) -> (index, index, index, index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %y = sieve.gather_sum %w, %i, %t : (tensor<?x3xf32>, tensor<?x3xi32>, tensor<10x?xf32>) -> tensor<?x?xf32>
  %r = sieve.word_route %ids {buckets = [#sieve.bucket<routing_ids = 4, blocks = 1, experts_per_block = 4, expert_size = 8>]} : (tensor<?xi32>) -> tensor<?x1xi32>
  %m = sieve.bernoulli_mask %seed[%n] {keep_probability = 0.5} : tensor<8x?xi1>
  %a = tensor.dim %y, %c0 : tensor<?x?xf32>
  %b = tensor.dim %y, %c1 : tensor<?x?xf32>
  %c = tensor.dim %r, %c0 : tensor<?x1xi32>
  %d = tensor.dim %m, %c1 : tensor<8x?xi1>
  return %a, %b, %c, %d : index, index, index, index
}
