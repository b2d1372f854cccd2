//===- AdjointOpInterfaceImpl.h - which ops know their adjoint ------------===//

#ifndef SIEVE_DIALECTS_SIEVE_TRANSFORMS_ADJOINT_ADJOINTOPINTERFACEIMPL_H
#define SIEVE_DIALECTS_SIEVE_TRANSFORMS_ADJOINT_ADJOINTOPINTERFACEIMPL_H

#include "mlir/IR/DialectRegistry.h"

namespace mlir::sieve {

/// The sieve primitives of the forward pass.
void registerPrimitiveAdjoints(DialectRegistry &registry);
/// linalg.matmul, linalg.add, elementwise linalg.generic, linalg.softmax.
void registerLinalgAdjoints(DialectRegistry &registry);
/// tensor.extract_slice, collapse_shape, expand_shape, cast.
void registerTensorAdjoints(DialectRegistry &registry);

/// All of the above.
inline void registerAdjointInterfaceExternalModels(DialectRegistry &registry) {
  registerPrimitiveAdjoints(registry);
  registerLinalgAdjoints(registry);
  registerTensorAdjoints(registry);
}

} // namespace mlir::sieve

#endif // SIEVE_DIALECTS_SIEVE_TRANSFORMS_ADJOINT_ADJOINTOPINTERFACEIMPL_H
