//===- SieveOps.td - all ops of the sieve dialect -------------------------===//

#ifndef SIEVE_OPS_TD
#define SIEVE_OPS_TD

include "dialects/Sieve/IR/SieveLayerOps.td"
include "dialects/Sieve/IR/SievePrimitiveOps.td"
include "dialects/Sieve/IR/SieveAdjointOps.td"

#endif // SIEVE_OPS_TD
