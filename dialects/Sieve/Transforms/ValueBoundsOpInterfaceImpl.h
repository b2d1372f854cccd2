//===- ValueBoundsOpInterfaceImpl.h - sizes of the primitives' results ----===//

#ifndef SIEVE_DIALECTS_SIEVE_TRANSFORMS_VALUEBOUNDSOPINTERFACEIMPL_H
#define SIEVE_DIALECTS_SIEVE_TRANSFORMS_VALUEBOUNDSOPINTERFACEIMPL_H

namespace mlir {
class DialectRegistry;

namespace sieve {
/// Tells value-bounds analysis that each primitive's result has the sizes of
/// its init, so sizes can be traced back to a function's arguments.
void registerValueBoundsOpInterfaceExternalModels(DialectRegistry &registry);
} // namespace sieve
} // namespace mlir

#endif // SIEVE_DIALECTS_SIEVE_TRANSFORMS_VALUEBOUNDSOPINTERFACEIMPL_H
