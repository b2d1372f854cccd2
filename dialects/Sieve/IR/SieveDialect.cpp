//===- SieveDialect.cpp - dialect registration, enums, attributes ---------===//

#include "dialects/Sieve/IR/SieveDialect.h"
#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::sieve;

#include "dialects/Sieve/IR/SieveDialect.cpp.inc"
#include "dialects/Sieve/IR/SieveEnums.cpp.inc"
#include "dialects/Sieve/IR/SieveInterfaces.cpp.inc"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter" // generated code
#define GET_ATTRDEF_CLASSES
#include "dialects/Sieve/IR/SieveAttrs.cpp.inc"
#pragma GCC diagnostic pop

void SieveDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Sieve/IR/SieveAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/Sieve/IR/SieveOps.cpp.inc"
      >();
}

LogicalResult BucketAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 int64_t routingIds, int64_t blocks,
                                 int64_t expertsPerBlock, int64_t expertSize) {
  auto check = [&](StringRef name, int64_t value) -> LogicalResult {
    if (value > 0)
      return success();
    return emitError() << "bucket " << name << " must be positive, got "
                       << value;
  };
  return success(succeeded(check("routing_ids", routingIds)) &&
                 succeeded(check("blocks", blocks)) &&
                 succeeded(check("experts_per_block", expertsPerBlock)) &&
                 succeeded(check("expert_size", expertSize)));
}
