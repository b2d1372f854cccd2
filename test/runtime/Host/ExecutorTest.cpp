//===- ExecutorTest.cpp - loading bundles and calling them
//------------------===//
//
// Runs against a bundle the build compiled ahead of time from
// models/examples/every-layer.mlir (SIEVE_TEST_BUNDLE): this suite links the
// runtime only, as a node that runs bundles compiled elsewhere would.
//
//===----------------------------------------------------------------------===//

#include "runtime/Host/Executor.h"
#include "runtime/Bundle/Bundle.h"
#include "runtime/Core/Error.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace sieve::runtime;
namespace fs = std::filesystem;

namespace {

std::string errorOf(const std::function<void()> &action) {
  try {
    action();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

/// A writable copy of the prebuilt bundle.
fs::path copyBundle(const std::string &name) {
  fs::path dir = fs::temp_directory_path() / ("sieve-executor-test-" + name +
                                              "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::copy(SIEVE_TEST_BUNDLE, dir);
  return dir;
}

} // namespace

TEST(ExecutorTest, LoadsTheBundleAndItsFunctions) {
  auto bundle = Bundle::load(SIEVE_TEST_BUNDLE);
  EXPECT_EQ(bundle->manifest().targetName, "host");
  EXPECT_EQ(bundle->function("sigma_moe").args.size(), 7u);
  EXPECT_NE(bundle->entry(bundle->function("dense")), nullptr);
  EXPECT_NE(errorOf([&] { bundle->function("conv2d"); })
                .find("has no function 'conv2d' (it has: dense, topk, pkm, "
                      "sigma_moe, switch, s_base, softmax_renorm, mowe)"),
            std::string::npos);
}

TEST(ExecutorTest, RunsAFunctionAndSizesItsOutputs) {
  auto bundle = Bundle::load(SIEVE_TEST_BUNDLE);
  HostExecutor executor(2);
  Tensor x(DType::F32, {5, 512}), w1(DType::F32, {512, 2053}),
      w2(DType::F32, {2053, 512});
  for (int64_t i = 0; i < x.numel(); ++i)
    x.data<float>()[i] = 1.0f;
  for (int64_t i = 0; i < w1.numel(); ++i)
    w1.data<float>()[i] = (i % 7 == 0) ? 0.01f : 0.0f;
  for (int64_t i = 0; i < w2.numel(); ++i)
    w2.data<float>()[i] = 0.001f;
  std::vector<Tensor> out = executor.run(*bundle, "dense", {&x, &w1, &w2});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape(), (std::vector<int64_t>{5, 512}));
  // Every hidden unit sees the same positive input, so every output is the
  // same positive number.
  float first = out[0].data<float>()[0];
  EXPECT_GT(first, 0.0f);
  EXPECT_FLOAT_EQ(out[0].data<float>()[5 * 512 - 1], first);
}

TEST(ExecutorTest, ShapeMismatchesAreErrorsNotCrashes) {
  auto bundle = Bundle::load(SIEVE_TEST_BUNDLE);
  HostExecutor executor;
  Tensor x(DType::F32, {4, 512}), w1(DType::F32, {512, 2053}),
      w2(DType::F32, {2053, 512});
  Tensor narrow(DType::F32, {4, 256}), ints(DType::I32, {4, 512}),
      flat(DType::F32, {512});
  EXPECT_EQ(errorOf([&] {
              executor.run(*bundle, "dense", {&narrow, &w1, &w2});
            }),
            "dense: input 'arg0' (argument 0) is f32[4x256] but the bundle "
            "expects f32[tokens x 512]: dimension 1 is 256");
  EXPECT_EQ(errorOf([&] {
              executor.run(*bundle, "dense", {&ints, &w1, &w2});
            }),
            "dense: input 'arg0' (argument 0) is i32[4x512] but the bundle "
            "expects f32[tokens x 512]: wrong element type");
  EXPECT_EQ(errorOf([&] {
              executor.run(*bundle, "dense", {&flat, &w1, &w2});
            }),
            "dense: input 'arg0' (argument 0) is f32[512] but the bundle "
            "expects f32[tokens x 512]: wrong rank");
  EXPECT_EQ(errorOf([&] {
              executor.run(*bundle, "dense", {&x, &w1});
            }),
            "dense takes 3 input tensors, got 2");
  EXPECT_EQ(errorOf([&] {
              executor.run(*bundle, "dense", {&x, &w1, nullptr});
            }),
            "dense: argument 'arg2' is null");
  EXPECT_EQ(errorOf([&] {
              executor.run(*bundle, "sigma_moe", {&x, &w1, &w2, &x});
            }),
            "sigma_moe takes 1 scalars, got 0");

  // Outputs given by the caller are checked, token count included.
  Tensor wrongTokens(DType::F32, {5, 512});
  EXPECT_EQ(
      errorOf([&] {
        executor.call(*bundle, "dense", {&x, &w1, &w2}, {}, {&wrongTokens});
      }),
      "dense: output 'result0' (argument 3) is f32[5x512] but the bundle "
      "expects f32[tokens x 512]: dimension 0 means 5 tokens but earlier "
      "arguments have 4");
}

TEST(ExecutorTest, CorruptedOrTruncatedLibrariesAreRefused) {
  fs::path dir = copyBundle("corrupt");
  {
    std::fstream library(dir / "kernels.so",
                         std::ios::in | std::ios::out | std::ios::binary);
    library.seekp(4096);
    library.put('\x5a');
  }
  EXPECT_NE(errorOf([&] { Bundle::load(dir.string()); })
                .find("kernels.so does not match the SHA-256 in its manifest "
                      "(corrupted or truncated); recompile the bundle"),
            std::string::npos);
  fs::resize_file(dir / "kernels.so", 100);
  EXPECT_NE(errorOf([&] { Bundle::load(dir.string()); }).find("does not match"),
            std::string::npos);
  fs::remove(dir / "manifest.json");
  EXPECT_NE(errorOf([&] {
              Bundle::load(dir.string());
            }).find("cannot read bundle manifest"),
            std::string::npos);
  fs::remove_all(dir);
}

TEST(ExecutorTest, ManifestsNamingMissingSymbolsAreRefused) {
  fs::path dir = copyBundle("symbol");
  std::ifstream in(dir / "manifest.json");
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  in.close();
  size_t at = text.find("_mlir_ciface_dense");
  text.replace(at, 18, "_mlir_ciface_gone_");
  std::ofstream(dir / "manifest.json") << text;
  EXPECT_NE(errorOf([&] {
              Bundle::load(dir.string());
            }).find("has no symbol _mlir_ciface_gone_ for function dense"),
            std::string::npos);
  fs::remove_all(dir);
}
