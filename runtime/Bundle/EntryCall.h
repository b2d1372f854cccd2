//===- EntryCall.h - binding tensors to a bundle function's arguments -----===//
//
// What the host and GPU executors share: checking each tensor against the
// manifest (element type, rank, sizes, one token count shared by all
// dynamic dimensions), building the memref descriptors the entry points
// take, and calling an entry point with N pointer-sized arguments. Where
// the storage lives (host or device memory) does not matter here.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_BUNDLE_ENTRYCALL_H
#define SIEVE_RUNTIME_BUNDLE_ENTRYCALL_H

#include "runtime/Bundle/Manifest.h"
#include "runtime/Core/Tensor.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sieve::runtime {

/// A tensor's element type, shape and storage address, wherever it lives.
struct TensorView {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  void *data = nullptr;
  /// Stands for a null tensor pointer the caller passed (an error).
  bool missing = false;
  std::string describe() const; // "f32[8x512]"
};

/// Views of host tensors; a null pointer gives a `missing` view.
std::vector<TensorView> viewsOf(const std::vector<const Tensor *> &tensors);

/// Binds the token count across a function's arguments; throws Error
/// naming the function, argument and reason on a mismatch.
class ShapeChecker {
public:
  explicit ShapeChecker(const FunctionSpec &fn) : fn(fn) {}
  void check(const ArgSpec &spec, size_t position, const TensorView &tensor);
  /// The shape `spec` has for the token count bound so far.
  std::vector<int64_t> shapeOf(const ArgSpec &spec) const;

private:
  const FunctionSpec &fn;
  std::optional<int64_t> tokens;
};

/// Throws Error unless `fn` takes exactly these numbers of arguments.
void checkArgumentCounts(const FunctionSpec &fn, size_t inputs, size_t scalars,
                         size_t outputs);

/// The shapes of `fn`'s outputs for the token count `inputs` bind (checked
/// against the manifest on the way).
std::vector<std::vector<int64_t>>
outputShapes(const FunctionSpec &fn, const std::vector<TensorView> &inputs);

/// The most arguments an entry point may take.
constexpr size_t kMaxEntryArguments = 64;

/// Checks `inputs`/`outputs` against `fn` and calls `entry` with a memref
/// descriptor per tensor and an i64 per scalar, in manifest order.
void callEntryPoint(void *entry, const FunctionSpec &fn,
                    const std::vector<TensorView> &inputs,
                    const std::vector<int64_t> &scalars,
                    const std::vector<TensorView> &outputs);

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_BUNDLE_ENTRYCALL_H
