//===- BufferizableOpInterfaceImpl.h - bufferization of the primitives ----===//

#ifndef SIEVE_DIALECTS_SIEVE_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H
#define SIEVE_DIALECTS_SIEVE_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H

namespace mlir {
class DialectRegistry;

namespace sieve {
/// Lets one-shot bufferization turn every sieve primitive on tensors into
/// the same primitive on memrefs that writes its init buffers in place.
void registerBufferizableOpInterfaceExternalModels(DialectRegistry &registry);
} // namespace sieve
} // namespace mlir

#endif // SIEVE_DIALECTS_SIEVE_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H
