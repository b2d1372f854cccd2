//===- ValueBoundsOpInterfaceImpl.cpp - sizes of the primitives' results --===//

#include "dialects/Sieve/Transforms/ValueBoundsOpInterfaceImpl.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

using namespace mlir;
using namespace mlir::sieve;

namespace {

template <typename OpTy>
struct PrimitiveValueBounds
    : ValueBoundsOpInterface::ExternalModel<PrimitiveValueBounds<OpTy>, OpTy> {
  void populateBoundsForShapedValueDim(Operation *op, Value value, int64_t dim,
                                       ValueBoundsConstraintSet &cstr) const {
    auto result = cast<OpResult>(value);
    auto dps = cast<DestinationStyleOpInterface>(op);
    Value init = dps.getDpsInitOperand(result.getResultNumber())->get();
    cstr.bound(value)[dim] == cstr.getExpr(init, dim);
  }
};

} // namespace

void mlir::sieve::registerValueBoundsOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, SieveDialect *) {
    attachToEach<PrimitiveValueBounds>(ctx, PrimitiveOps());
  });
}
