//===- NvrtcTest.cpp - run-time compilation of the support kernels --------===//
//
// NVRTC needs no GPU: the routing support kernels (CUB block primitives)
// compile to PTX for sm_80 and sm_90a here, the second request is served
// from the disk cache, a damaged cache entry is rebuilt, and a source that
// does not compile is reported with NVRTC's log.
//
//===----------------------------------------------------------------------===//

#include "runtime/Cuda/Nvrtc.h"
#include "runtime/Core/Error.h"
#include "runtime/Cuda/RoutingSupport.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace sieve::runtime;
using namespace sieve::runtime::cuda;
namespace fs = std::filesystem;

namespace {

class NvrtcTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string why;
    nvrtc = Nvrtc::get(&why);
    if (!nvrtc)
      GTEST_SKIP() << why;
    cache = fs::temp_directory_path() /
            ("sieve-nvrtc-test-" + std::to_string(::getpid()));
    fs::remove_all(cache);
  }
  void TearDown() override { fs::remove_all(cache); }

  Nvrtc *nvrtc = nullptr;
  fs::path cache;
};

} // namespace

TEST_F(NvrtcTest, CompilesTheRoutingKernelsForEachArchitecture) {
  for (const char *architecture : {"compute_80", "compute_90a"}) {
    NvrtcResult result = nvrtc->compile(routingSupportSource(), "routing.cu",
                                        architecture, cache.string());
    EXPECT_FALSE(result.cacheHit);
    std::string target = std::string(".target sm_") + (architecture + 8);
    EXPECT_NE(result.ptx.find(target), std::string::npos) << architecture;
    for (const char *kernel :
         {"sieve_sort_tiles", "sieve_scan_tiles", "sieve_scatter_tiles"})
      EXPECT_NE(result.ptx.find(std::string(".entry ") + kernel),
                std::string::npos)
          << kernel;
  }
}

TEST_F(NvrtcTest, ServesRepeatsFromTheCacheAndRebuildsDamagedEntries) {
  NvrtcResult first = nvrtc->compile(routingSupportSource(), "routing.cu",
                                     "compute_80", cache.string());
  NvrtcResult second = nvrtc->compile(routingSupportSource(), "routing.cu",
                                      "compute_80", cache.string());
  EXPECT_TRUE(second.cacheHit);
  EXPECT_EQ(first.ptx, second.ptx);

  fs::path entry = fs::directory_iterator(cache / "nvrtc")->path();
  {
    std::ofstream damage(entry, std::ios::binary | std::ios::app);
    damage << "garbage";
  }
  NvrtcResult third = nvrtc->compile(routingSupportSource(), "routing.cu",
                                     "compute_80", cache.string());
  EXPECT_FALSE(third.cacheHit);
  ASSERT_EQ(third.notes.size(), 1u);
  EXPECT_NE(third.notes[0].find("is damaged; compiling routing.cu again"),
            std::string::npos);
  EXPECT_EQ(third.ptx, first.ptx);
  EXPECT_TRUE(nvrtc
                  ->compile(routingSupportSource(), "routing.cu", "compute_80",
                            cache.string())
                  .cacheHit);
}

TEST_F(NvrtcTest, ReportsSourcesThatDoNotCompile) {
  try {
    nvrtc->compile("extern \"C\" __global__ void k() { undeclared(); }",
                   "broken.cu", "compute_80", cache.string());
    FAIL() << "a broken source compiled";
  } catch (const Error &error) {
    std::string message = error.what();
    EXPECT_NE(message.find("NVRTC could not compile broken.cu"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("undeclared"), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists(cache / "nvrtc") && !fs::is_empty(cache / "nvrtc"));
}
