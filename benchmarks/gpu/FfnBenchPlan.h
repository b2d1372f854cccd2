//===- FfnBenchPlan.h - what the GPU feed-forward benchmark measures ------===//
//
// The σ-MoE paper's Fig. 2 setting (|B| = 32768 tokens, d_model 512, K 4,
// G 128, N_E from 8 to 256) and d_model 1024 with N_E 32, each with f32
// tensors computed exactly (FMAs on both sides) and on the tensor cores in
// tf32, and with bf16 tensors (f32 sums), against the cuBLAS dense MLP with the
// same parameters and with the same active FLOPs; and the PKM value gather-sum
// against the HBM bandwidth. This header is the plan and its arithmetic, free
// of the GPU so that it is unit-tested anywhere; the bundles the benchmark runs
// are compiled from `sieve-gpu-ffn-bench --plan` (benchmarks/gpu/bundles.sh).
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_BENCHMARKS_GPU_FFNBENCHPLAN_H
#define SIEVE_BENCHMARKS_GPU_FFNBENCHPLAN_H

#include <cstdint>
#include <string>
#include <vector>

namespace sieve::bench {

struct MoeBenchConfig {
  int64_t dModel = 0, experts = 0, expertSize = 0, k = 0;
  /// How both sides compute: "f32" (f32 tensors, exact FMAs), "tf32" (f32
  /// tensors, tensor cores in tf32) or "bf16" (bf16 tensors, f32 sums).
  std::string precision;

  /// "moe-d512-e8-g128-k4-bf16": the bundle's directory name.
  std::string name() const;
  /// The element type of its tensors (--tensor-dtype): bf16 or f32.
  std::string tensorDtype() const;
  /// The model description of its block (sieve compile's input).
  std::string modelYaml() const;
};

/// The Fig. 2 sweep and the d_model 1024 point, in each precision.
std::vector<MoeBenchConfig> moeBenchPlan();

/// The dense MLP's d_ff with the σ-MoE's parameters: 2·d·d_ff =
/// 2·d·N_E·G + d·N_E (the experts and the selection W3), so
/// d_ff = N_E·G + N_E / 2, rounded up.
int64_t parameterEqualDff(const MoeBenchConfig &config);
/// The dense MLP's d_ff with the σ-MoE's active FLOPs: K·G.
int64_t flopEqualDff(const MoeBenchConfig &config);

/// FLOPs of a forward + backward as the issue counts them: 12·|B|·K·d·G
/// for σ-MoE (the selection's d·N_E per token is left out); 12·|B|·d·d_ff
/// for the dense MLP (two GEMMs forward, four backward).
double moeFlops(const MoeBenchConfig &config, int64_t tokens);
double denseFlops(int64_t dModel, int64_t dff, int64_t tokens);

/// The PKM value gather-sum: each token sums `selected` rows (heads x
/// top-k) of a `rows` x `dModel` table with weights.
struct GatherSumBenchConfig {
  int64_t rows = 262144, dModel = 512, selected = 128;
  /// The bytes a gather-sum must move at least: the selected rows, the
  /// indices and weights, and the output read and written once (f32).
  double bytesMoved(int64_t tokens) const;
};

/// The peak DRAM bandwidth from the memory clock (kHz) and bus width
/// (bits): two transfers a clock.
double peakDramBytesPerSecond(int64_t memoryClockKHz, int64_t busWidthBits);

/// The targets an H100 is held to (issue 6).
constexpr double kTargetBf16Tflops = 450;
constexpr double kTargetTimeVsParameterEqualDense = 0.3;
constexpr double kTargetGatherSumFractionOfHbm = 0.85;

} // namespace sieve::bench

#endif // SIEVE_BENCHMARKS_GPU_FFNBENCHPLAN_H
