//===- Executor.h - run a host bundle's functions -------------------------===//
//
// The host executor calls a bundle's entry points. At the boundary it checks
// every tensor against the manifest (element type, rank, sizes, one token
// count shared by all dynamic dimensions) and reports a mismatch as an
// Error naming the function and argument; then it passes each tensor as a
// memref descriptor and runs the kernel, whose parallel loops use the
// executor's threads (all cores by default).
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_HOST_EXECUTOR_H
#define SIEVE_RUNTIME_HOST_EXECUTOR_H

#include "runtime/Bundle/Bundle.h"
#include "runtime/Bundle/EntryCall.h"
#include "runtime/Core/Tensor.h"

#include <vector>

namespace sieve::runtime {

class HostExecutor {
public:
  /// `threads` = 0 uses every core.
  explicit HostExecutor(int threads = 0);
  int threads() const { return threads_; }

  /// Whether the kernels' OpenMP workers sleep as soon as a kernel returns
  /// (instead of spinning for 200 ms, waiting for the next): right when the
  /// caller has serial or BLAS work of its own between kernels (a language
  /// model's attention), wrong for back-to-back kernels (benchmarks).
  void setReleaseCoresAfterCall(bool release) { releaseCores = release; }

  /// Calls `function` with its inputs and scalars in manifest order and
  /// returns its outputs, allocated with the sizes the manifest gives for
  /// the inputs' token count.
  std::vector<Tensor> run(const Bundle &bundle, const std::string &function,
                          const std::vector<const Tensor *> &inputs,
                          const std::vector<int64_t> &scalars = {}) const;

  /// The same with caller-provided outputs, which are checked too.
  void call(const Bundle &bundle, const std::string &function,
            const std::vector<const Tensor *> &inputs,
            const std::vector<int64_t> &scalars,
            const std::vector<Tensor *> &outputs) const;
  /// The same on views of memory the caller owns (checked likewise).
  void callViews(const Bundle &bundle, const std::string &function,
                 const std::vector<TensorView> &inputs,
                 const std::vector<int64_t> &scalars,
                 const std::vector<TensorView> &outputs) const;

private:
  int threads_;
  bool releaseCores = false;
};

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_HOST_EXECUTOR_H
