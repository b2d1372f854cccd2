//===- GpuExecutor.cpp - run a GPU bundle's functions ---------------------===//

#include "runtime/Cuda/GpuExecutor.h"

#include "runtime/Bundle/EntryCall.h"
#include "runtime/Core/Error.h"

using namespace sieve::runtime;
using namespace sieve::runtime::cuda;

DeviceTensor::DeviceTensor(GpuRuntime &runtime, DType dtype,
                           std::vector<int64_t> shape, const void *stream)
    : runtime_(&runtime), dtype_(dtype), shape_(std::move(shape)) {
  for (int64_t size : shape_)
    if (size < 0)
      throw Error("device tensor " + describe() + " has a negative size");
  address_ = runtime.allocator().allocate(bytes(), stream);
}

DeviceTensor::~DeviceTensor() {
  if (runtime_ && address_)
    runtime_->allocator().release(address_);
}

DeviceTensor::DeviceTensor(DeviceTensor &&other) noexcept
    : runtime_(other.runtime_), dtype_(other.dtype_),
      shape_(std::move(other.shape_)), address_(other.address_) {
  other.address_ = 0;
}

DeviceTensor &DeviceTensor::operator=(DeviceTensor &&other) noexcept {
  if (this != &other) {
    if (runtime_ && address_)
      runtime_->allocator().release(address_);
    runtime_ = other.runtime_;
    dtype_ = other.dtype_;
    shape_ = std::move(other.shape_);
    address_ = other.address_;
    other.address_ = 0;
  }
  return *this;
}

int64_t DeviceTensor::numel() const {
  int64_t count = 1;
  for (int64_t size : shape_)
    count *= size;
  return count;
}

std::string DeviceTensor::describe() const {
  return TensorView{dtype_, shape_, nullptr}.describe() + " on the GPU";
}

std::unique_ptr<GpuExecutor> GpuExecutor::create(std::string *whyNot) {
  GpuRuntime *runtime = GpuRuntime::get(whyNot);
  if (!runtime)
    return nullptr;
  std::unique_ptr<GpuExecutor> executor(new GpuExecutor());
  executor->runtime_ = runtime;
  runtime->driver().check(
      runtime->driver().api().cuStreamCreate(&executor->stream_, 0),
      "creating a CUDA stream");
  return executor;
}

GpuExecutor::~GpuExecutor() {
  if (stream_) {
    runtime_->driver().api().cuStreamSynchronize(stream_);
    runtime_->driver().api().cuStreamDestroy(stream_);
  }
}

std::string GpuExecutor::describeDevice() const {
  return runtime_->driver().describe();
}

DeviceTensor GpuExecutor::allocate(DType dtype, std::vector<int64_t> shape) {
  DeviceTensor tensor(*runtime_, dtype, std::move(shape), stream_);
  zero(tensor);
  return tensor;
}

void GpuExecutor::zero(DeviceTensor &tensor) {
  runtime_->driver().check(runtime_->driver().api().cuMemsetD8Async(
                               tensor.address(), 0, tensor.bytes(), stream_),
                           "zero-filling " + tensor.describe());
}

DeviceTensor GpuExecutor::upload(const Tensor &tensor) {
  DeviceTensor device(*runtime_, tensor.dtype(), tensor.shape(), stream_);
  if (tensor.bytes())
    runtime_->driver().check(
        runtime_->driver().api().cuMemcpyHtoDAsync(
            device.address(), tensor.raw(), tensor.bytes(), stream_),
        "copying " + tensor.describe() + " to the GPU");
  // The host tensor may go away once this returns.
  synchronize("copying " + tensor.describe() + " to the GPU");
  return device;
}

Tensor GpuExecutor::download(const DeviceTensor &tensor) {
  Tensor host(tensor.dtype(), tensor.shape());
  if (host.bytes())
    runtime_->driver().check(
        runtime_->driver().api().cuMemcpyDtoHAsync(host.raw(), tensor.address(),
                                                   host.bytes(), stream_),
        "copying " + tensor.describe() + " to the host");
  synchronize("copying " + tensor.describe() + " to the host");
  return host;
}

void GpuExecutor::synchronize(const std::string &context) {
  CUresult result = runtime_->driver().api().cuStreamSynchronize(stream_);
  std::string pending = GpuRuntime::takeErrors();
  if (!pending.empty())
    throw Error(context + ": " + pending);
  runtime_->driver().check(result, context);
}

void GpuExecutor::launch(CUfunction function, std::array<unsigned, 3> grid,
                         std::array<unsigned, 3> block, unsigned sharedBytes,
                         void **arguments, const std::string &what) {
  runtime_->driver().check(runtime_->driver().api().cuLaunchKernel(
                               function, grid[0], grid[1], grid[2], block[0],
                               block[1], block[2], sharedBytes, stream_,
                               arguments, nullptr),
                           "launching " + what);
}

void GpuExecutor::call(const Bundle &bundle, const std::string &function,
                       const std::vector<const DeviceTensor *> &inputs,
                       const std::vector<int64_t> &scalars,
                       const std::vector<DeviceTensor *> &outputs,
                       size_t variant) {
  auto view = [](const DeviceTensor *tensor) {
    if (!tensor)
      return TensorView{DType::F32, {}, nullptr, /*missing=*/true};
    return TensorView{tensor->dtype(), tensor->shape(),
                      reinterpret_cast<void *>(tensor->address())};
  };
  std::vector<TensorView> in, out;
  for (const DeviceTensor *tensor : inputs)
    in.push_back(view(tensor));
  for (const DeviceTensor *tensor : outputs)
    out.push_back(view(tensor));
  callViews(bundle, function, in, scalars, out, variant);
}

void GpuExecutor::callViews(const Bundle &bundle, const std::string &function,
                            const std::vector<TensorView> &in,
                            const std::vector<int64_t> &scalars,
                            const std::vector<TensorView> &out,
                            size_t variant) {
  const FunctionSpec &fn = bundle.function(function);
  if (!bundle.isGpu())
    throw Error("bundle " + bundle.directory() + " targets '" +
                bundle.manifest().targetName +
                "': run it with the host executor, or compile it for a GPU");
  // Errors left by an earlier failure must not be blamed on this call.
  GpuRuntime::takeErrors();
  GpuRuntime::setCurrentStream(stream_);
  try {
    callEntryPoint(bundle.entry(fn, variant), fn, in, scalars, out);
  } catch (...) {
    GpuRuntime::setCurrentStream(nullptr);
    throw;
  }
  GpuRuntime::setCurrentStream(nullptr);
  synchronize(fn.name + " on the GPU");
}

std::vector<Tensor> GpuExecutor::run(const Bundle &bundle,
                                     const std::string &function,
                                     const std::vector<const Tensor *> &inputs,
                                     const std::vector<int64_t> &scalars,
                                     size_t variant) {
  const FunctionSpec &fn = bundle.function(function);
  checkArgumentCounts(fn, inputs.size(), scalars.size(),
                      fn.count(ArgKind::Output));
  std::vector<std::vector<int64_t>> shapes = outputShapes(fn, viewsOf(inputs));

  std::vector<DeviceTensor> deviceInputs, deviceOutputs;
  deviceInputs.reserve(inputs.size());
  for (const Tensor *tensor : inputs)
    deviceInputs.push_back(upload(*tensor));
  size_t next = 0;
  for (const ArgSpec &spec : fn.args)
    if (spec.kind == ArgKind::Output)
      deviceOutputs.push_back(allocate(spec.dtype, shapes[next++]));

  std::vector<const DeviceTensor *> in;
  std::vector<DeviceTensor *> out;
  for (DeviceTensor &tensor : deviceInputs)
    in.push_back(&tensor);
  for (DeviceTensor &tensor : deviceOutputs)
    out.push_back(&tensor);
  call(bundle, function, in, scalars, out, variant);

  std::vector<Tensor> results;
  for (DeviceTensor &tensor : deviceOutputs)
    results.push_back(download(tensor));
  return results;
}
