//===- SignatureAttrs.h - how entry points describe their signature -------===//
//
// The bundle manifest names every argument and result of an entry point and
// states its shape, where the one size known only at run time is the token
// count and every other dynamic size is a multiple of it (tokens * k sorted
// pairs, ...). Functions carry that as argument and result attributes; the
// backward generator sets them on the functions it creates, the manifest
// writer reads them. Dimensions are traced back to the arguments by
// value-bounds analysis.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_DIALECTS_SIEVE_TRANSFORMS_SIGNATUREATTRS_H
#define SIEVE_DIALECTS_SIEVE_TRANSFORMS_SIGNATUREATTRS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>

namespace mlir::sieve {

/// The argument and result attribute naming a value in the manifest.
constexpr const char *kNameAttr = "sieve.name";
/// The argument attribute giving the token multiple of an argument's dynamic
/// dimension (default 1).
constexpr const char *kTokensMultipleAttr = "sieve.tokens_multiple";

/// A dimension: `constant`, or `tokens` times the token count when
/// `tokens` > 0.
struct TokenDim {
  int64_t constant = 0;
  int64_t tokens = 0;
};

/// The `sieve.name` of argument or result `index`, or "arg<i>" / "result<i>".
std::string signatureName(func::FuncOp func, bool result, unsigned index);

/// The token multiple of argument `index`'s dynamic dimension.
int64_t argumentTokensMultiple(func::FuncOp func, unsigned index);

/// Dimension `dim` of `value`, a value of `func`'s body, traced back to the
/// function's arguments: a constant or a multiple of the token count.
FailureOr<TokenDim> traceTokenDim(func::FuncOp func, Value value, int64_t dim);

} // namespace mlir::sieve

#endif // SIEVE_DIALECTS_SIEVE_TRANSFORMS_SIGNATUREATTRS_H
