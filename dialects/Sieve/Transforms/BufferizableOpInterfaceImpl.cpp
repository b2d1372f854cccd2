//===- BufferizableOpInterfaceImpl.cpp - bufferization of the primitives --===//
//
// The primitives are in destination-passing style, so bufferizing one is
// mechanical: every tensor operand becomes its buffer, the op is recreated
// on buffers with no results, and its results are replaced by the init
// buffers it wrote. Inputs are read; inits are read and written (the
// accumulating primitives read them).
//
//===----------------------------------------------------------------------===//

#include "dialects/Sieve/Transforms/BufferizableOpInterfaceImpl.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::sieve;
using namespace mlir::bufferization;

namespace {

template <typename OpTy>
struct PrimitiveBufferization
    : DstBufferizableOpInterfaceExternalModel<PrimitiveBufferization<OpTy>,
                                              OpTy> {
  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    auto dps = cast<DestinationStyleOpInterface>(op);
    SmallVector<Value> operands;
    SmallVector<Value> initBuffers;
    for (OpOperand &operand : op->getOpOperands()) {
      Value value = operand.get();
      if (isa<TensorType>(value.getType())) {
        FailureOr<Value> buffer = getBuffer(rewriter, value, options, state);
        if (failed(buffer))
          return failure();
        value = *buffer;
      }
      operands.push_back(value);
      if (dps.isDpsInit(&operand))
        initBuffers.push_back(value);
    }
    rewriter.setInsertionPoint(op);
    Operation *onBuffers = Operation::create(
        op->getLoc(), op->getName(), /*resultTypes=*/TypeRange(), operands,
        NamedAttrList(op->getDiscardableAttrDictionary()),
        op->getPropertiesStorage(), /*successors=*/{}, /*numRegions=*/0);
    rewriter.insert(onBuffers);
    replaceOpWithBufferizedValues(rewriter, op, initBuffers);
    return success();
  }
};

} // namespace

void mlir::sieve::registerBufferizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, SieveDialect *) {
    attachToEach<PrimitiveBufferization>(ctx, PrimitiveOps());
  });
}
