//===- Executor.cpp - run a host bundle's functions -----------------------===//

#include "runtime/Host/Executor.h"

#include "runtime/Core/Error.h"

#include <array>
#include <cstdint>
#include <optional>
#include <thread>
#include <utility>

using namespace sieve::runtime;

namespace {

// Entry points take each memref as a pointer to its descriptor and each
// scalar as an i64: all integer-class, so a call with N such arguments is a
// call of a function of N intptr_t parameters.
constexpr size_t kMaxArguments = 64;
using Invoker = void (*)(void *, const intptr_t *);

template <size_t... I>
void invokeWith(void *fn, const intptr_t *args, std::index_sequence<I...>) {
  using Fn = void (*)(decltype((void)I, intptr_t())...);
  reinterpret_cast<Fn>(fn)(args[I]...);
}
template <size_t N> void invoke(void *fn, const intptr_t *args) {
  invokeWith(fn, args, std::make_index_sequence<N>());
}
template <size_t... N>
constexpr std::array<Invoker, sizeof...(N)>
makeInvokers(std::index_sequence<N...>) {
  return {&invoke<N>...};
}
constexpr auto kInvokers =
    makeInvokers(std::make_index_sequence<kMaxArguments + 1>());

/// Binds the token count across all arguments and checks every tensor.
class ShapeChecker {
public:
  ShapeChecker(const FunctionSpec &fn) : fn(fn) {}

  void check(const ArgSpec &spec, size_t position, const Tensor &tensor) {
    auto mismatch = [&](const std::string &why) {
      throw Error(fn.name + ": " + kindName(spec.kind) + " '" + spec.name +
                  "' (argument " + std::to_string(position) + ") is " +
                  tensor.describe() + " but the bundle expects " +
                  spec.describe() + ": " + why);
    };
    if (tensor.dtype() != spec.dtype)
      mismatch("wrong element type");
    if (tensor.rank() != static_cast<int64_t>(spec.shape.size()))
      mismatch("wrong rank");
    for (size_t d = 0; d < spec.shape.size(); ++d) {
      const DimSpec &dim = spec.shape[d];
      int64_t size = tensor.dim(d);
      if (dim.tokens == 0) {
        if (size != dim.constant)
          mismatch("dimension " + std::to_string(d) + " is " +
                   std::to_string(size));
        continue;
      }
      if (size % dim.tokens != 0)
        mismatch("dimension " + std::to_string(d) + " is not a multiple of " +
                 std::to_string(dim.tokens));
      int64_t count = size / dim.tokens;
      if (tokens && *tokens != count)
        mismatch("dimension " + std::to_string(d) + " means " +
                 std::to_string(count) + " tokens but earlier arguments have " +
                 std::to_string(*tokens));
      tokens = count;
    }
  }

  std::vector<int64_t> shapeOf(const ArgSpec &spec) const {
    std::vector<int64_t> shape;
    for (const DimSpec &dim : spec.shape)
      shape.push_back(dim.tokens == 0 ? dim.constant
                                      : dim.tokens * tokens.value_or(0));
    return shape;
  }

private:
  static const char *kindName(ArgKind kind) {
    return kind == ArgKind::Output ? "output" : "input";
  }

  const FunctionSpec &fn;
  std::optional<int64_t> tokens;
};

/// Storage for one memref descriptor: allocated and aligned pointers,
/// offset, sizes, strides.
std::vector<int64_t> descriptorOf(const Tensor &tensor) {
  auto pointer = reinterpret_cast<int64_t>(tensor.raw());
  std::vector<int64_t> d = {pointer, pointer, 0};
  for (int64_t size : tensor.shape())
    d.push_back(size);
  std::vector<int64_t> strides(tensor.rank(), 1);
  for (int64_t i = tensor.rank() - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * tensor.dim(i + 1);
  d.insert(d.end(), strides.begin(), strides.end());
  return d;
}

void checkCounts(const FunctionSpec &fn, size_t inputs, size_t scalars,
                 size_t outputs) {
  auto expect = [&](const char *what, size_t got, size_t want) {
    if (got != want)
      throw Error(fn.name + " takes " + std::to_string(want) + " " + what +
                  ", got " + std::to_string(got));
  };
  expect("input tensors", inputs, fn.count(ArgKind::Input));
  expect("scalars", scalars, fn.count(ArgKind::Scalar));
  expect("output tensors", outputs, fn.count(ArgKind::Output));
}

} // namespace

HostExecutor::HostExecutor(int threads)
    : threads_(threads > 0
                   ? threads
                   : std::max(1u, std::thread::hardware_concurrency())) {}

void HostExecutor::call(const Bundle &bundle, const std::string &function,
                        const std::vector<const Tensor *> &inputs,
                        const std::vector<int64_t> &scalars,
                        const std::vector<Tensor *> &outputs) const {
  const FunctionSpec &fn = bundle.function(function);
  checkCounts(fn, inputs.size(), scalars.size(), outputs.size());
  if (fn.args.size() > kMaxArguments)
    throw Error(fn.name + " has " + std::to_string(fn.args.size()) +
                " arguments; the host executor calls at most " +
                std::to_string(kMaxArguments));

  ShapeChecker checker(fn);
  std::vector<std::vector<int64_t>> descriptors;
  descriptors.reserve(fn.args.size());
  std::vector<intptr_t> args;
  size_t nextInput = 0, nextScalar = 0, nextOutput = 0;
  for (size_t position = 0; position < fn.args.size(); ++position) {
    const ArgSpec &spec = fn.args[position];
    if (spec.kind == ArgKind::Scalar) {
      args.push_back(static_cast<intptr_t>(scalars[nextScalar++]));
      continue;
    }
    const Tensor *tensor = spec.kind == ArgKind::Input ? inputs[nextInput++]
                                                       : outputs[nextOutput++];
    if (!tensor)
      throw Error(fn.name + ": argument '" + spec.name + "' is null");
    checker.check(spec, position, *tensor);
    descriptors.push_back(descriptorOf(*tensor));
    args.push_back(reinterpret_cast<intptr_t>(descriptors.back().data()));
  }

  using SetInt = void (*)(int);
  if (auto setThreads =
          reinterpret_cast<SetInt>(bundle.lookup("omp_set_num_threads")))
    setThreads(threads_);
  // The workers' spin time after a parallel loop: 0 hands the cores back
  // to the caller's own work at once; 200 ms is OpenMP's default.
  if (auto setBlocktime =
          reinterpret_cast<SetInt>(bundle.lookup("kmp_set_blocktime")))
    setBlocktime(releaseCores ? 0 : 200);
  kInvokers[args.size()](bundle.entry(fn), args.data());
}

std::vector<Tensor>
HostExecutor::run(const Bundle &bundle, const std::string &function,
                  const std::vector<const Tensor *> &inputs,
                  const std::vector<int64_t> &scalars) const {
  const FunctionSpec &fn = bundle.function(function);
  checkCounts(fn, inputs.size(), scalars.size(), fn.count(ArgKind::Output));
  // Bind the token count from the inputs to size the outputs.
  ShapeChecker checker(fn);
  size_t nextInput = 0;
  for (size_t position = 0; position < fn.args.size(); ++position)
    if (fn.args[position].kind == ArgKind::Input) {
      const Tensor *tensor = inputs[nextInput++];
      if (!tensor)
        throw Error(fn.name + ": argument '" + fn.args[position].name +
                    "' is null");
      checker.check(fn.args[position], position, *tensor);
    }
  std::vector<Tensor> outputs;
  for (const ArgSpec &spec : fn.args)
    if (spec.kind == ArgKind::Output)
      outputs.emplace_back(spec.dtype, checker.shapeOf(spec));
  std::vector<Tensor *> outputPointers;
  for (Tensor &out : outputs)
    outputPointers.push_back(&out);
  call(bundle, function, inputs, scalars, outputPointers);
  return outputs;
}
