//===- Harness.cpp - compile modules and run them against references ------===//

#include "test/numerics/Harness.h"

#include "compiler/Driver/Compile.h"
#include "compiler/Pipelines/Stages.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace sieve;
using namespace sieve::test;

std::shared_ptr<runtime::Bundle>
sieve::test::compileText(const std::string &mlir) {
  mlir::DialectRegistry registry;
  mlir::sieve::registerSieveDialects(registry);
  mlir::MLIRContext context(registry);
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    diagnostics += d.str() + "\n";
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(mlir, &context);
  if (!module) {
    ADD_FAILURE() << "test module does not parse:\n" << diagnostics;
    return nullptr;
  }
  llvm::SmallString<128> dir;
  if (llvm::sys::fs::createUniqueDirectory("sieve-numerics", dir)) {
    ADD_FAILURE() << "cannot create a temporary directory";
    return nullptr;
  }
  mlir::sieve::CompileOptions options;
  options.outputDirectory = std::string(dir) + "/bundle";
  options.cacheDirectory = std::string(dir) + "/cache";
  if (failed(mlir::sieve::compileToBundle(*module, options))) {
    ADD_FAILURE() << "compilation failed:\n" << diagnostics;
    return nullptr;
  }
  return runtime::Bundle::load(options.outputDirectory);
}

std::vector<double> sieve::test::uniform(std::mt19937 &rng, size_t count,
                                         double lo, double hi) {
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<double> values(count);
  for (double &v : values)
    v = static_cast<float>(dist(rng)); // exactly representable in f32
  return values;
}

runtime::Tensor sieve::test::f32(std::vector<int64_t> shape,
                                 const std::vector<double> &values) {
  return runtime::Tensor::fromF32(
      std::move(shape), std::vector<float>(values.begin(), values.end()));
}

runtime::Tensor sieve::test::i32(std::vector<int64_t> shape,
                                 const std::vector<int32_t> &values) {
  return runtime::Tensor::fromI32(std::move(shape), values);
}

std::vector<double> sieve::test::toDoubles(const runtime::Tensor &tensor) {
  const float *data = tensor.data<float>();
  return std::vector<double>(data, data + tensor.numel());
}

std::vector<int32_t> sieve::test::toInts(const runtime::Tensor &tensor) {
  const int32_t *data = tensor.data<int32_t>();
  return std::vector<int32_t>(data, data + tensor.numel());
}

double sieve::test::relativeError(const std::vector<double> &actual,
                                  const std::vector<double> &expected) {
  if (actual.size() != expected.size())
    return INFINITY;
  double diff = 0, norm = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    diff += (actual[i] - expected[i]) * (actual[i] - expected[i]);
    norm += expected[i] * expected[i];
  }
  return std::sqrt(diff) / std::max(std::sqrt(norm), 1e-30);
}

std::vector<runtime::Tensor>
sieve::test::run(const runtime::Bundle &bundle, const std::string &function,
                 const std::vector<const runtime::Tensor *> &in,
                 const std::vector<int64_t> &scalars) {
  runtime::HostExecutor executor;
  return executor.run(bundle, function, in, scalars);
}
