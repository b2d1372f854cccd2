// Every primitive states its result sizes as those of its inits: tensor.dim
// of a result resolves to the init's size and the (pure) op goes away.
// RUN: sieve-opt %s --resolve-ranked-shaped-type-result-dims --canonicalize --cse | FileCheck %s

// CHECK-LABEL: func.func @single_init
// CHECK-SAME: %[[INIT:[a-z0-9]+]]: tensor<?x?xf32>)
// CHECK-DAG: %[[R:.*]] = tensor.dim %[[INIT]], %c0
// CHECK-DAG: %[[C:.*]] = tensor.dim %[[INIT]], %c1
// CHECK-NOT: sieve.
// CHECK: return %[[R]], %[[C]]
func.func @single_init(%x: tensor<?x?xf32>, %w: tensor<?x?x?xf32>, %p: tensor<?xi32>, %o: tensor<5xi32>,
                       %init: tensor<?x?xf32>) -> (index, index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %u = sieve.cvmm ins(%x, %w, %p, %o : tensor<?x?xf32>, tensor<?x?x?xf32>, tensor<?xi32>, tensor<5xi32>)
      outs(%init : tensor<?x?xf32>) {k = 2 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} -> tensor<?x?xf32>
  %a = tensor.dim %u, %c0 : tensor<?x?xf32>
  %b = tensor.dim %u, %c1 : tensor<?x?xf32>
  return %a, %b : index, index
}

// CHECK-LABEL: func.func @two_inits
// CHECK-SAME: %[[EI:[a-z0-9]+]]: tensor<?x2xi32>, %[[GI:[a-z0-9]+]]: tensor<?x2xf32>)
// CHECK-DAG: %[[A:.*]] = tensor.dim %[[EI]], %c0
// CHECK-DAG: %[[B:.*]] = tensor.dim %[[GI]], %c0
// CHECK: return %[[A]], %[[B]]
func.func @two_inits(%s: tensor<?x?xf32>, %ei: tensor<?x2xi32>, %gi: tensor<?x2xf32>) -> (index, index) {
  %c0 = arith.constant 0 : index
  %e, %g = sieve.select_experts ins(%s : tensor<?x?xf32>) outs(%ei, %gi : tensor<?x2xi32>, tensor<?x2xf32>) {k = 2 : i64} -> tensor<?x2xi32>, tensor<?x2xf32>
  %a = tensor.dim %e, %c0 : tensor<?x2xi32>
  %b = tensor.dim %g, %c0 : tensor<?x2xf32>
  return %a, %b : index, index
}

// CHECK-LABEL: func.func @variadic_inits
// CHECK-SAME: %[[A:[a-z0-9]+]]: tensor<?x1xi32>, %[[B:[a-z0-9]+]]: tensor<?x1xi32>)
// CHECK: %[[D:.*]] = tensor.dim %[[B]], %c0
// CHECK: return %[[D]]
func.func @variadic_inits(%ids: tensor<?xi32>, %a: tensor<?x1xi32>, %b: tensor<?x1xi32>) -> index {
  %c0 = arith.constant 0 : index
  %ra, %rb = sieve.word_route ins(%ids : tensor<?xi32>) outs(%a, %b : tensor<?x1xi32>, tensor<?x1xi32>)
      {buckets = [#sieve.bucket<routing_ids = 4, blocks = 1, experts_per_block = 4, expert_size = 8>,
                  #sieve.bucket<routing_ids = 4, blocks = 1, experts_per_block = 4, expert_size = 8>]}
      -> tensor<?x1xi32>, tensor<?x1xi32>
  %d = tensor.dim %rb, %c0 : tensor<?x1xi32>
  return %d : index
}
