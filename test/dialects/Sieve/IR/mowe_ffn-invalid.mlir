// RUN: sieve-opt %s -split-input-file -verify-diagnostics

func.func @no_buckets(%x: tensor<?x8xf32>, %ids: tensor<?xi32>) {
  // expected-error @+1 {{'sieve.mowe_ffn' op needs at least one frequency bucket}}
  %y = sieve.mowe_ffn %x, %ids {routing_vocab_size = 10 : i64, buckets = []} : (tensor<?x8xf32>, tensor<?xi32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @negative_unrouted(%x: tensor<?x8xf32>, %ids: tensor<?xi32>, %w1: tensor<2x8x4xf32>, %w2: tensor<2x4x8xf32>) {
  // expected-error @+1 {{num_unrouted must be non-negative, got -1}}
  %y = sieve.mowe_ffn %x, %ids, %w1, %w2 {routing_vocab_size = 9 : i64, num_unrouted = -1 : i64, buckets = [#sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = 2, expert_size = 4>]} : (tensor<?x8xf32>, tensor<?xi32>, tensor<2x8x4xf32>, tensor<2x4x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @zero_vocab(%x: tensor<?x8xf32>, %ids: tensor<?xi32>, %w1: tensor<2x8x4xf32>, %w2: tensor<2x4x8xf32>) {
  // expected-error @+1 {{routing_vocab_size must be positive, got 0}}
  %y = sieve.mowe_ffn %x, %ids, %w1, %w2 {routing_vocab_size = 0 : i64, buckets = [#sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = 2, expert_size = 4>]} : (tensor<?x8xf32>, tensor<?xi32>, tensor<2x8x4xf32>, tensor<2x4x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @vocab_not_covered(%x: tensor<?x8xf32>, %ids: tensor<?xi32>, %w1: tensor<2x8x4xf32>, %w2: tensor<2x4x8xf32>) {
  // expected-error @+1 {{num_unrouted (4) plus the buckets' routing ids (10) cover 14 ids but routing_vocab_size is 20}}
  %y = sieve.mowe_ffn %x, %ids, %w1, %w2 {routing_vocab_size = 20 : i64, num_unrouted = 4 : i64, buckets = [#sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = 2, expert_size = 4>]} : (tensor<?x8xf32>, tensor<?xi32>, tensor<2x8x4xf32>, tensor<2x4x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @more_experts_than_ids(%x: tensor<?x8xf32>, %ids: tensor<?xi32>, %w1: tensor<12x8x4xf32>, %w2: tensor<12x4x8xf32>) {
  // expected-error @+1 {{bucket 0 has 12 experts (3 blocks x 4) for only 10 routing ids: the extra experts would never be used}}
  %y = sieve.mowe_ffn %x, %ids, %w1, %w2 {routing_vocab_size = 10 : i64, buckets = [#sieve.bucket<routing_ids = 10, blocks = 3, experts_per_block = 4, expert_size = 4>]} : (tensor<?x8xf32>, tensor<?xi32>, tensor<12x8x4xf32>, tensor<12x4x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @missing_weights(%x: tensor<?x8xf32>, %ids: tensor<?xi32>, %w1: tensor<2x8x4xf32>, %w2: tensor<2x4x8xf32>) {
  // expected-error @+1 {{needs 2 expert weight tensors (w1, w2) per bucket: 2 buckets need 4, got 2}}
  %y = sieve.mowe_ffn %x, %ids, %w1, %w2 {routing_vocab_size = 20 : i64, buckets = [#sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = 2, expert_size = 4>, #sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = 2, expert_size = 4>]} : (tensor<?x8xf32>, tensor<?xi32>, tensor<2x8x4xf32>, tensor<2x4x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

// Declared blocks x experts per block inconsistent with the weights.
func.func @bucket_experts_mismatch(%x: tensor<?x8xf32>, %ids: tensor<?xi32>, %w1: tensor<3x8x4xf32>, %w2: tensor<2x4x8xf32>) {
  // expected-error @+1 {{bucket 0 w1 has shape 3x8x4 but must be experts (1 blocks x 2) x d_model x expert_size = 2x8x4}}
  %y = sieve.mowe_ffn %x, %ids, %w1, %w2 {routing_vocab_size = 10 : i64, buckets = [#sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = 2, expert_size = 4>]} : (tensor<?x8xf32>, tensor<?xi32>, tensor<3x8x4xf32>, tensor<2x4x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @bucket_w2_expert_size(%x: tensor<?x8xf32>, %ids: tensor<?xi32>, %w1: tensor<2x8x4xf32>, %w2: tensor<2x5x8xf32>) {
  // expected-error @+1 {{bucket 0 w2 has shape 2x5x8 but must be experts (1 blocks x 2) x expert_size x d_model = 2x4x8}}
  %y = sieve.mowe_ffn %x, %ids, %w1, %w2 {routing_vocab_size = 10 : i64, buckets = [#sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = 2, expert_size = 4>]} : (tensor<?x8xf32>, tensor<?xi32>, tensor<2x8x4xf32>, tensor<2x5x8xf32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @ids_tokens_mismatch(%x: tensor<6x8xf32>, %ids: tensor<5xi32>, %w1: tensor<2x8x4xf32>, %w2: tensor<2x4x8xf32>) {
  // expected-error @+1 {{routing_ids has shape 5 but must be tokens = 6}}
  %y = sieve.mowe_ffn %x, %ids, %w1, %w2 {routing_vocab_size = 10 : i64, buckets = [#sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = 2, expert_size = 4>]} : (tensor<6x8xf32>, tensor<5xi32>, tensor<2x8x4xf32>, tensor<2x4x8xf32>) -> tensor<6x8xf32>
  return
}

// -----

func.func @ids_not_i32(%x: tensor<6x8xf32>, %ids: tensor<6xi64>, %w1: tensor<2x8x4xf32>, %w2: tensor<2x4x8xf32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of 32-bit signless integer values, but got 'tensor<6xi64>'}}
  %y = sieve.mowe_ffn %x, %ids, %w1, %w2 {routing_vocab_size = 10 : i64, buckets = [#sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = 2, expert_size = 4>]} : (tensor<6x8xf32>, tensor<6xi64>, tensor<2x8x4xf32>, tensor<2x4x8xf32>) -> tensor<6x8xf32>
  return
}

// -----

func.func @weights_element_type(%x: tensor<?x8xf32>, %ids: tensor<?xi32>, %w1: tensor<2x8x4xf32>, %w2: tensor<2x4x8xf16>) {
  // expected-error @+1 {{bucket 0 w2 has element type 'f16' but x has 'f32'}}
  %y = sieve.mowe_ffn %x, %ids, %w1, %w2 {routing_vocab_size = 10 : i64, buckets = [#sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = 2, expert_size = 4>]} : (tensor<?x8xf32>, tensor<?xi32>, tensor<2x8x4xf32>, tensor<2x4x8xf16>) -> tensor<?x8xf32>
  return
}

// -----

func.func @not_a_bucket(%x: tensor<?x8xf32>, %ids: tensor<?xi32>) {
  // expected-error @+1 {{'sieve.mowe_ffn' op attribute 'buckets' failed to satisfy constraint: array of MoWE buckets}}
  %y = sieve.mowe_ffn %x, %ids {routing_vocab_size = 10 : i64, buckets = [10 : i64]} : (tensor<?x8xf32>, tensor<?xi32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @bucket_zero_blocks(%x: tensor<?x8xf32>, %ids: tensor<?xi32>) {
  // expected-error @+1 {{bucket blocks must be positive, got 0}}
  %y = sieve.mowe_ffn %x, %ids {routing_vocab_size = 10 : i64, buckets = [#sieve.bucket<routing_ids = 10, blocks = 0, experts_per_block = 2, expert_size = 4>]} : (tensor<?x8xf32>, tensor<?xi32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @bucket_zero_ids(%x: tensor<?x8xf32>, %ids: tensor<?xi32>) {
  // expected-error @+1 {{bucket routing_ids must be positive, got 0}}
  %y = sieve.mowe_ffn %x, %ids {routing_vocab_size = 10 : i64, buckets = [#sieve.bucket<routing_ids = 0, blocks = 1, experts_per_block = 2, expert_size = 4>]} : (tensor<?x8xf32>, tensor<?xi32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @bucket_zero_experts_per_block(%x: tensor<?x8xf32>, %ids: tensor<?xi32>) {
  // expected-error @+1 {{bucket experts_per_block must be positive, got -2}}
  %y = sieve.mowe_ffn %x, %ids {routing_vocab_size = 10 : i64, buckets = [#sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = -2, expert_size = 4>]} : (tensor<?x8xf32>, tensor<?xi32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @bucket_zero_expert_size(%x: tensor<?x8xf32>, %ids: tensor<?xi32>) {
  // expected-error @+1 {{bucket expert_size must be positive, got 0}}
  %y = sieve.mowe_ffn %x, %ids {routing_vocab_size = 10 : i64, buckets = [#sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = 2, expert_size = 0>]} : (tensor<?x8xf32>, tensor<?xi32>) -> tensor<?x8xf32>
  return
}

// -----

func.func @bucket_missing_parameter(%x: tensor<?x8xf32>, %ids: tensor<?xi32>) {
  // expected-error @+1 {{expected ','}}
  %y = sieve.mowe_ffn %x, %ids {routing_vocab_size = 10 : i64, buckets = [#sieve.bucket<routing_ids = 10, blocks = 1, experts_per_block = 2>]} : (tensor<?x8xf32>, tensor<?xi32>) -> tensor<?x8xf32>
  return
}
