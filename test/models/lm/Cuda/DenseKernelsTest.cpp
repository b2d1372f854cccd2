//===- DenseKernelsTest.cpp - the LM's GPU kernels, without a GPU ---------===//
//
// What can be checked here: the embedded CUDA source compiles with NVRTC
// for sm_80 and sm_90a and defines every kernel DenseKernels looks up,
// ptxas accepts the PTX, and the host-side pieces (token grouping for the
// embedding's backward, dropout thresholds, grid sizes) are right. The
// kernels' numerics are checked on a GPU by sieve-gpu-lm-tests.
//
//===----------------------------------------------------------------------===//

#include "models/lm/Cuda/DenseKernels.h"
#include "runtime/Cuda/Nvrtc.h"
#include "runtime/Random/CounterRandom.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace sieve::lm::cuda;
namespace fs = std::filesystem;

TEST(DenseKernelsTest, SourceCompilesForBothTargetsAndPtxasAcceptsIt) {
  std::string why;
  sieve::runtime::cuda::Nvrtc *nvrtc = sieve::runtime::cuda::Nvrtc::get(&why);
  if (!nvrtc)
    GTEST_SKIP() << why;
  fs::path dir = fs::temp_directory_path() /
                 ("sieve-lm-kernels-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path ptxas =
      fs::path(sieve::runtime::cuda::cudaToolkitDirectory()) / "bin" / "ptxas";
  ASSERT_TRUE(fs::exists(ptxas)) << "NVRTC's toolkit has no " << ptxas;
  for (auto [architecture, chip] :
       {std::pair{"compute_80", "sm_80"}, std::pair{"compute_90a", "sm_90a"}}) {
    std::string ptx = nvrtc
                          ->compile(denseKernelSource(), "dense-kernels.cu",
                                    architecture, (dir / "cache").string())
                          .ptx;
    for (const std::string &name : denseKernelNames())
      EXPECT_NE(ptx.find(".entry " + name + "("), std::string::npos)
          << name << " on " << architecture;
    fs::path file = dir / (std::string(chip) + ".ptx");
    std::ofstream(file) << ptx;
    std::string command = ptxas.string() + " -arch=" + chip + " " +
                          file.string() + " -o " +
                          (dir / (std::string(chip) + ".cubin")).string();
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
  }
  fs::remove_all(dir);
}

TEST(DenseKernelsTest, TokensGroupInPositionOrder) {
  const int32_t tokens[] = {7, 3, 7, 0, 3, 7};
  TokenGroups groups = sieve::lm::device::groupTokenPositions(tokens, 6);
  EXPECT_EQ(groups.ids, (std::vector<int32_t>{0, 3, 7}));
  EXPECT_EQ(groups.starts, (std::vector<int32_t>{0, 1, 3, 6}));
  EXPECT_EQ(groups.positions, (std::vector<int32_t>{3, 1, 4, 0, 2, 5}));
  TokenGroups none = sieve::lm::device::groupTokenPositions(tokens, 0);
  EXPECT_TRUE(none.ids.empty());
  EXPECT_EQ(none.starts, (std::vector<int32_t>{0}));
}

TEST(DenseKernelsTest, DropoutDrawsAreTheHostsMasks) {
  DropoutDraw none = dropoutDraw(0.0);
  EXPECT_EQ(none.threshold, 1u << 24); // every 24-bit draw is below
  EXPECT_EQ(none.scale, 1.0f);
  DropoutDraw tenth = dropoutDraw(0.1);
  EXPECT_EQ(tenth.threshold,
            sieve::runtime::BernoulliDraw(1, 2, 0.9).threshold);
  EXPECT_FLOAT_EQ(tenth.scale, 1.0f / 0.9f);
}

TEST(DenseKernelsTest, GridsCoverEveryElementWithinLimits) {
  EXPECT_EQ(elementBlocks(0), 1u);
  EXPECT_EQ(elementBlocks(256), 1u);
  EXPECT_EQ(elementBlocks(257), 2u);
  EXPECT_EQ(elementBlocks(int64_t(1) << 40), 65535u);
}
