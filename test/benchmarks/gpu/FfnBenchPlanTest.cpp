//===- FfnBenchPlanTest.cpp - the GPU benchmark's plan and arithmetic -----===//
//
// What sieve-gpu-ffn-bench measures, checked without a GPU: the Fig. 2
// sweep, the dense baselines' sizes (same parameters, same active FLOPs),
// the FLOP and byte counts its rates are computed from, and that the
// cuBLAS MLP's ReLU kernels compile with NVRTC.
//
//===----------------------------------------------------------------------===//

#include "benchmarks/gpu/FfnBenchPlan.h"
#include "benchmarks/gpu/CublasMlp.h"

#include "runtime/Cuda/Nvrtc.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include <unistd.h>

using namespace sieve::bench;
namespace fs = std::filesystem;

TEST(FfnBenchPlanTest, CoversFigureTwoAndTheWideBlockInEachPrecision) {
  std::vector<MoeBenchConfig> plan = moeBenchPlan();
  ASSERT_EQ(plan.size(), 21u);
  std::set<std::string> names;
  for (const MoeBenchConfig &config : plan) {
    names.insert(config.name());
    EXPECT_EQ(config.k, 4);
    EXPECT_EQ(config.expertSize, 128);
    EXPECT_EQ(config.tensorDtype(),
              config.precision == "bf16" ? "bf16" : "f32");
  }
  EXPECT_EQ(names.size(), plan.size());
  for (const char *name :
       {"moe-d512-e8-g128-k4-f32", "moe-d512-e256-g128-k4-bf16",
        "moe-d1024-e32-g128-k4-bf16", "moe-d1024-e32-g128-k4-tf32",
        "moe-d1024-e32-g128-k4-f32"})
    EXPECT_TRUE(names.count(name)) << name;
}

TEST(FfnBenchPlanTest, DenseBaselinesMatchParametersAndActiveFlops) {
  for (const MoeBenchConfig &config : moeBenchPlan()) {
    int64_t d = config.dModel;
    // Experts' two matrices plus the selection W3.
    int64_t moeParameters =
        2 * d * config.experts * config.expertSize + d * config.experts;
    EXPECT_EQ(2 * d * parameterEqualDff(config), moeParameters)
        << config.name();
    EXPECT_EQ(denseFlops(d, flopEqualDff(config), 32768),
              moeFlops(config, 32768))
        << config.name();
  }
  MoeBenchConfig wide{1024, 32, 128, 4, "bf16"};
  EXPECT_EQ(parameterEqualDff(wide), 4112); // benchmarks/models/dense-4112
  EXPECT_EQ(flopEqualDff(wide), 512);
  // 12 · 32768 · 4 · 1024 · 128.
  EXPECT_DOUBLE_EQ(moeFlops(wide, 32768), 206158430208.0);
}

TEST(FfnBenchPlanTest, CountsTheGatherSumsBytesAndThePeakBandwidth) {
  GatherSumBenchConfig config;
  // Per token: 128 rows of 512 f32, 128 indices and weights, the output
  // row read and written.
  double perToken = 128.0 * 512 * 4 + 128.0 * 8 + 2.0 * 512 * 4;
  EXPECT_DOUBLE_EQ(config.bytesMoved(1000), 1000 * perToken);
  // An H100 SXM: 2619 MHz HBM3 on a 5120-bit bus, 3.35 TB/s.
  EXPECT_NEAR(peakDramBytesPerSecond(2619000, 5120), 3.352e12, 1e9);
}

TEST(FfnBenchPlanTest, ItsModelDescriptionsNameTheirBlock) {
  MoeBenchConfig config{512, 64, 128, 4, "bf16"};
  std::string yaml = config.modelYaml();
  EXPECT_NE(yaml.find("name: moe-d512-e64-g128-k4-bf16\n"), std::string::npos);
  EXPECT_NE(yaml.find("d_model: 512\n"), std::string::npos);
  EXPECT_NE(yaml.find("experts: 64, expert_size: 128, k: 4,"),
            std::string::npos);
}

TEST(FfnBenchPlanTest, TheReluKernelsCompile) {
  std::string why;
  sieve::runtime::cuda::Nvrtc *nvrtc = sieve::runtime::cuda::Nvrtc::get(&why);
  if (!nvrtc)
    GTEST_SKIP() << why;
  fs::path cache = fs::temp_directory_path() /
                   ("sieve-relu-test-" + std::to_string(::getpid()));
  std::string ptx = nvrtc
                        ->compile(reluKernelSource(), "sieve-bench-relu.cu",
                                  "compute_90", cache.string())
                        .ptx;
  fs::remove_all(cache);
  for (const char *entry :
       {"sieve_relu_forward_f32", "sieve_relu_backward_f32",
        "sieve_relu_forward_bf16", "sieve_relu_backward_bf16"})
    EXPECT_NE(ptx.find(std::string(".entry ") + entry), std::string::npos)
        << entry;
}
