//===- Signature.cpp - what a bundle's entry points take and return -------===//

#include "compiler/Bundle/Signature.h"

#include "dialects/Sieve/Transforms/SignatureAttrs.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

using namespace mlir;
using namespace mlir::sieve;

std::string SymbolicDim::str() const {
  if (tokens == 0)
    return std::to_string(constant);
  if (tokens == 1)
    return "tokens";
  return std::to_string(tokens) + "*tokens";
}

namespace {

FailureOr<std::string> dtypeOf(Type type) {
  if (type.isF32())
    return std::string("f32");
  if (type.isF16())
    return std::string("f16");
  if (type.isBF16())
    return std::string("bf16");
  if (type.isInteger(32))
    return std::string("i32");
  if (type.isInteger(1))
    return std::string("i1");
  if (type.isInteger(64))
    return std::string("i64");
  return failure();
}

/// The size of result dimension (value, dim) in the manifest's terms.
FailureOr<SymbolicDim> resultDim(func::FuncOp func, Value value, int64_t dim) {
  FailureOr<TokenDim> traced = traceTokenDim(func, value, dim);
  if (failed(traced))
    return failure();
  return SymbolicDim{traced->constant, traced->tokens};
}

FailureOr<EntryPoint> describe(func::FuncOp func) {
  EntryPoint entry;
  entry.name = func.getSymName().str();
  entry.symbol = "_mlir_ciface_" + entry.name;

  for (auto [index, type] : llvm::enumerate(func.getArgumentTypes())) {
    BundleArgument arg;
    arg.name = signatureName(func, /*result=*/false, index);
    auto tensor = dyn_cast<RankedTensorType>(type);
    FailureOr<std::string> dtype =
        dtypeOf(tensor ? tensor.getElementType() : type);
    if (failed(dtype) || (!tensor && !type.isInteger(64)))
      return func.emitError() << "entry point argument " << index << " ('"
                              << arg.name << "') has type " << type
                              << "; bundles take ranked tensors of f32, f16, "
                                 "bf16, i32 or i1, and i64 scalars";
    arg.dtype = *dtype;
    arg.kind = tensor ? ArgumentKind::Input : ArgumentKind::Scalar;
    if (tensor) {
      if (tensor.getNumDynamicDims() > 1)
        return func.emitError()
               << "entry point argument " << index << " ('" << arg.name
               << "') has " << tensor.getNumDynamicDims()
               << " dynamic dimensions; only the token dimension may be "
                  "dynamic";
      for (int64_t size : tensor.getShape())
        arg.shape.push_back(
            ShapedType::isDynamic(size)
                ? SymbolicDim{0, argumentTokensMultiple(func, index)}
                : SymbolicDim{size, 0});
    }
    entry.arguments.push_back(std::move(arg));
  }

  auto returnOp = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [index, value] : llvm::enumerate(returnOp.getOperands())) {
    BundleArgument out;
    out.name = signatureName(func, /*result=*/true, index);
    out.kind = ArgumentKind::Output;
    auto tensor = dyn_cast<RankedTensorType>(value.getType());
    FailureOr<std::string> dtype = tensor ? dtypeOf(tensor.getElementType())
                                          : FailureOr<std::string>(failure());
    if (failed(dtype))
      return func.emitError() << "entry point result " << index << " ('"
                              << out.name << "') has type " << value.getType()
                              << "; bundles return ranked tensors";
    out.dtype = *dtype;
    for (auto [dim, size] : llvm::enumerate(tensor.getShape())) {
      if (!ShapedType::isDynamic(size)) {
        out.shape.push_back(SymbolicDim{size, 0});
        continue;
      }
      FailureOr<SymbolicDim> symbolic = resultDim(func, value, dim);
      if (failed(symbolic))
        return func.emitError()
               << "cannot express dimension " << dim << " of result " << index
               << " ('" << out.name
               << "') as a multiple of the token count of the arguments";
      out.shape.push_back(*symbolic);
    }
    entry.arguments.push_back(std::move(out));
  }
  return entry;
}

} // namespace

FailureOr<std::vector<EntryPoint>>
mlir::sieve::describeEntryPoints(ModuleOp module) {
  std::vector<EntryPoint> entries;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!func.isPublic() || func.isExternal())
      continue;
    FailureOr<EntryPoint> entry = describe(func);
    if (failed(entry))
      return failure();
    entries.push_back(std::move(*entry));
  }
  return entries;
}
