// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @results_per_bucket(%ids: tensor<8xi32>) {
  // expected-error @+1 {{'sieve.word_route' op has 1 results but 2 buckets: it yields one expert tensor per bucket}}
  %a = sieve.word_route %ids {buckets = [#sieve.bucket<routing_ids = 4, blocks = 1, experts_per_block = 4, expert_size = 8>, #sieve.bucket<routing_ids = 4, blocks = 1, experts_per_block = 4, expert_size = 8>]} : (tensor<8xi32>) -> tensor<8x1xi32>
  return
}

// -----

func.func @no_buckets(%ids: tensor<8xi32>) {
  // expected-error @+1 {{'sieve.word_route' op needs at least one frequency bucket}}
  sieve.word_route %ids {buckets = []} : (tensor<8xi32>) -> ()
  return
}

// -----

func.func @negative_unrouted(%ids: tensor<8xi32>) {
  // expected-error @+1 {{num_unrouted must be non-negative, got -16}}
  %a = sieve.word_route %ids {num_unrouted = -16 : i64, buckets = [#sieve.bucket<routing_ids = 4, blocks = 1, experts_per_block = 4, expert_size = 8>]} : (tensor<8xi32>) -> tensor<8x1xi32>
  return
}

// -----

func.func @result_shape(%ids: tensor<8xi32>) {
  // expected-error @+1 {{result has shape 8x2 but must be tokens x 1 = 8x1}}
  %a = sieve.word_route %ids {buckets = [#sieve.bucket<routing_ids = 4, blocks = 1, experts_per_block = 4, expert_size = 8>]} : (tensor<8xi32>) -> tensor<8x2xi32>
  return
}

// -----

func.func @ids_rank(%ids: tensor<8x1xi32>) {
  // expected-error @+1 {{routing_ids must be a rank-1 tensor (tokens), got 'tensor<8x1xi32>'}}
  %a = sieve.word_route %ids {buckets = [#sieve.bucket<routing_ids = 4, blocks = 1, experts_per_block = 4, expert_size = 8>]} : (tensor<8x1xi32>) -> tensor<8x1xi32>
  return
}
