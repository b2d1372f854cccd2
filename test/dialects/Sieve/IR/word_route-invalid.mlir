// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @inits_per_bucket(%ids: tensor<8xi32>, %a: tensor<8x1xi32>) {
  // expected-error @+1 {{'sieve.word_route' op has 1 inits but 2 buckets: it routes into one init per bucket}}
  %r = sieve.word_route ins(%ids : tensor<8xi32>) outs(%a : tensor<8x1xi32>) {buckets = [#sieve.bucket<routing_ids = 4, blocks = 1, experts_per_block = 4, expert_size = 8>, #sieve.bucket<routing_ids = 4, blocks = 1, experts_per_block = 4, expert_size = 8>]} -> tensor<8x1xi32>
  return
}

// -----

func.func @no_buckets(%ids: tensor<8xi32>) {
  // expected-error @+1 {{'sieve.word_route' op needs at least one frequency bucket}}
  sieve.word_route ins(%ids : tensor<8xi32>) outs() {buckets = []}
  return
}

// -----

func.func @negative_unrouted(%ids: tensor<8xi32>, %a: tensor<8x1xi32>) {
  // expected-error @+1 {{num_unrouted must be non-negative, got -16}}
  %r = sieve.word_route ins(%ids : tensor<8xi32>) outs(%a : tensor<8x1xi32>) {num_unrouted = -16 : i64, buckets = [#sieve.bucket<routing_ids = 4, blocks = 1, experts_per_block = 4, expert_size = 8>]} -> tensor<8x1xi32>
  return
}

// -----

func.func @init_shape(%ids: tensor<8xi32>, %a: tensor<8x2xi32>) {
  // expected-error @+1 {{init has shape 8x2 but must be tokens x 1 = 8x1}}
  %r = sieve.word_route ins(%ids : tensor<8xi32>) outs(%a : tensor<8x2xi32>) {buckets = [#sieve.bucket<routing_ids = 4, blocks = 1, experts_per_block = 4, expert_size = 8>]} -> tensor<8x2xi32>
  return
}

// -----

func.func @ids_rank(%ids: tensor<8x1xi32>, %a: tensor<8x1xi32>) {
  // expected-error @+1 {{routing_ids must have rank 1 (tokens), got 'tensor<8x1xi32>'}}
  %r = sieve.word_route ins(%ids : tensor<8x1xi32>) outs(%a : tensor<8x1xi32>) {buckets = [#sieve.bucket<routing_ids = 4, blocks = 1, experts_per_block = 4, expert_size = 8>]} -> tensor<8x1xi32>
  return
}
