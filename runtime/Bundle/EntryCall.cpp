//===- EntryCall.cpp - binding tensors to a bundle function's arguments ---===//

#include "runtime/Bundle/EntryCall.h"

#include "runtime/Core/Error.h"

#include <array>
#include <utility>

using namespace sieve::runtime;

namespace {

// Entry points take each memref as a pointer to its descriptor and each
// scalar as an i64: all integer-class, so a call with N such arguments is a
// call of a function of N intptr_t parameters.
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
    makeInvokers(std::make_index_sequence<kMaxEntryArguments + 1>());

/// Storage for one memref descriptor: allocated and aligned pointers,
/// offset, sizes, strides.
std::vector<int64_t> descriptorOf(const TensorView &tensor) {
  auto pointer = reinterpret_cast<int64_t>(tensor.data);
  std::vector<int64_t> d = {pointer, pointer, 0};
  int64_t rank = static_cast<int64_t>(tensor.shape.size());
  for (int64_t size : tensor.shape)
    d.push_back(size);
  std::vector<int64_t> strides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * tensor.shape[i + 1];
  d.insert(d.end(), strides.begin(), strides.end());
  return d;
}

const char *kindName(ArgKind kind) {
  return kind == ArgKind::Output ? "output" : "input";
}

} // namespace

std::vector<TensorView>
sieve::runtime::viewsOf(const std::vector<const Tensor *> &tensors) {
  std::vector<TensorView> views;
  for (const Tensor *tensor : tensors)
    views.push_back(tensor ? TensorView{tensor->dtype(), tensor->shape(),
                                        const_cast<void *>(tensor->raw())}
                           : TensorView{DType::F32, {}, nullptr, true});
  return views;
}

std::string TensorView::describe() const {
  std::string dims;
  for (int64_t size : shape)
    dims += (dims.empty() ? "" : "x") + std::to_string(size);
  return std::string(name(dtype)) + "[" + dims + "]";
}

void ShapeChecker::check(const ArgSpec &spec, size_t position,
                         const TensorView &tensor) {
  auto mismatch = [&](const std::string &why) {
    throw Error(fn.name + ": " + kindName(spec.kind) + " '" + spec.name +
                "' (argument " + std::to_string(position) + ") is " +
                tensor.describe() + " but the bundle expects " +
                spec.describe() + ": " + why);
  };
  if (tensor.dtype != spec.dtype)
    mismatch("wrong element type");
  if (tensor.shape.size() != spec.shape.size())
    mismatch("wrong rank");
  for (size_t d = 0; d < spec.shape.size(); ++d) {
    const DimSpec &dim = spec.shape[d];
    int64_t size = tensor.shape[d];
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

std::vector<int64_t> ShapeChecker::shapeOf(const ArgSpec &spec) const {
  return spec.shapeFor(tokens.value_or(0));
}

void sieve::runtime::checkArgumentCounts(const FunctionSpec &fn, size_t inputs,
                                         size_t scalars, size_t outputs) {
  auto expect = [&](const char *what, size_t got, size_t want) {
    if (got != want)
      throw Error(fn.name + " takes " + std::to_string(want) + " " + what +
                  ", got " + std::to_string(got));
  };
  expect("input tensors", inputs, fn.count(ArgKind::Input));
  expect("scalars", scalars, fn.count(ArgKind::Scalar));
  expect("output tensors", outputs, fn.count(ArgKind::Output));
}

void sieve::runtime::callEntryPoint(void *entry, const FunctionSpec &fn,
                                    const std::vector<TensorView> &inputs,
                                    const std::vector<int64_t> &scalars,
                                    const std::vector<TensorView> &outputs) {
  checkArgumentCounts(fn, inputs.size(), scalars.size(), outputs.size());
  if (fn.args.size() > kMaxEntryArguments)
    throw Error(fn.name + " has " + std::to_string(fn.args.size()) +
                " arguments; the runtime calls at most " +
                std::to_string(kMaxEntryArguments));

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
    const TensorView &tensor = spec.kind == ArgKind::Input
                                   ? inputs[nextInput++]
                                   : outputs[nextOutput++];
    if (tensor.missing)
      throw Error(fn.name + ": argument '" + spec.name + "' is null");
    checker.check(spec, position, tensor);
    descriptors.push_back(descriptorOf(tensor));
    args.push_back(reinterpret_cast<intptr_t>(descriptors.back().data()));
  }
  kInvokers[args.size()](entry, args.data());
}

std::vector<std::vector<int64_t>>
sieve::runtime::outputShapes(const FunctionSpec &fn,
                             const std::vector<TensorView> &inputs) {
  ShapeChecker checker(fn);
  size_t nextInput = 0;
  for (size_t position = 0; position < fn.args.size(); ++position) {
    const ArgSpec &spec = fn.args[position];
    if (spec.kind != ArgKind::Input)
      continue;
    if (nextInput >= inputs.size())
      throw Error(fn.name + " takes " +
                  std::to_string(fn.count(ArgKind::Input)) +
                  " input tensors, got " + std::to_string(inputs.size()));
    const TensorView &tensor = inputs[nextInput++];
    if (tensor.missing)
      throw Error(fn.name + ": argument '" + spec.name + "' is null");
    checker.check(spec, position, tensor);
  }
  std::vector<std::vector<int64_t>> shapes;
  for (const ArgSpec &spec : fn.args)
    if (spec.kind == ArgKind::Output)
      shapes.push_back(checker.shapeOf(spec));
  return shapes;
}
