//===- ModelKernels.cpp - a model description's kernels, compiled, loaded -===//

#include "compiler/Driver/ModelKernels.h"

#include "compiler/Driver/Compile.h"
#include "compiler/Pipelines/Stages.h"
#include "frontends/Builder/ModelBuilder.h"
#include "runtime/Core/Error.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

std::shared_ptr<::sieve::runtime::Bundle> mlir::sieve::compileModelKernels(
    const ::sieve::model::ModelDescription &model,
    const std::string &bundleDirectory, const std::string &cacheDirectory,
    bool *cacheHit, ::sieve::runtime::DType tensorType,
    const std::string &target) {
  DialectRegistry registry;
  registerSieveDialects(registry);
  MLIRContext context(registry);
  std::string diagnostics;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    std::string location;
    llvm::raw_string_ostream os(location);
    d.getLocation().print(os);
    diagnostics += location + ": " + d.str() + "\n";
    return success();
  });
  FloatType elementType;
  switch (tensorType) {
  case ::sieve::runtime::DType::F32:
    elementType = Float32Type::get(&context);
    break;
  case ::sieve::runtime::DType::BF16:
    elementType = BFloat16Type::get(&context);
    break;
  case ::sieve::runtime::DType::F16:
    elementType = Float16Type::get(&context);
    break;
  default:
    throw ::sieve::runtime::Error(std::string("kernels cannot compute in ") +
                                  ::sieve::runtime::name(tensorType) +
                                  " (f32, bf16 or f16)");
  }
  OwningOpRef<ModuleOp> module = buildModelModule(context, model, elementType);
  CompileOptions options;
  options.outputDirectory = bundleDirectory;
  options.cacheDirectory = cacheDirectory;
  options.source = model.file;
  options.target = target;
  if (target != "host")
    options.gpuPrecision = tensorType == ::sieve::runtime::DType::F32
                               ? "f32"
                               : ::sieve::runtime::name(tensorType);
  FailureOr<CompileOutcome> outcome = failure();
  if (module)
    outcome = compileToBundle(*module, options);
  if (failed(outcome))
    throw ::sieve::runtime::Error("cannot compile the kernels of " +
                                  model.file + ":\n" + diagnostics);
  if (cacheHit)
    *cacheHit = outcome->cacheHit;
  return ::sieve::runtime::Bundle::load(bundleDirectory);
}
