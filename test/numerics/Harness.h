//===- Harness.h - compile modules and run them against references --------===//

#ifndef SIEVE_TEST_NUMERICS_HARNESS_H
#define SIEVE_TEST_NUMERICS_HARNESS_H

#include "runtime/Bundle/Bundle.h"
#include "runtime/Core/Tensor.h"
#include "runtime/Host/Executor.h"
#include "test/reference/Reference.h"

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace sieve::test {

/// Compiles MLIR text (sieve layers or primitives on tensors) into a bundle
/// in a fresh temporary directory (with its own kernel cache) and loads it.
/// Fails the calling test with the compiler's diagnostics on error.
std::shared_ptr<runtime::Bundle> compileText(const std::string &mlir);

/// Uniform values in [lo, hi) from a fixed-seed generator.
std::vector<double> uniform(std::mt19937 &rng, size_t count, double lo = -1.0,
                            double hi = 1.0);

/// An f32 tensor of the given shape from doubles.
runtime::Tensor f32(std::vector<int64_t> shape, const std::vector<double> &v);
runtime::Tensor i32(std::vector<int64_t> shape,
                    const std::vector<int32_t> &values);
std::vector<double> toDoubles(const runtime::Tensor &tensor);
std::vector<int32_t> toInts(const runtime::Tensor &tensor);

/// ||actual - expected|| / max(||expected||, tiny), in double.
double relativeError(const std::vector<double> &actual,
                     const std::vector<double> &expected);

/// Runs `function` of `bundle` on all cores.
std::vector<runtime::Tensor> run(const runtime::Bundle &bundle,
                                 const std::string &function,
                                 const std::vector<const runtime::Tensor *> &in,
                                 const std::vector<int64_t> &scalars = {});

} // namespace sieve::test

#endif // SIEVE_TEST_NUMERICS_HARNESS_H
