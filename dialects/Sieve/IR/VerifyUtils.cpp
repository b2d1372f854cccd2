//===- VerifyUtils.cpp - shared checks with precise verifier messages -----===//

#include "dialects/Sieve/IR/VerifyUtils.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::sieve;

namespace {
void printSizes(raw_ostream &os, ArrayRef<int64_t> sizes) {
  llvm::interleave(
      sizes, os,
      [&](int64_t size) {
        if (ShapedType::isDynamic(size))
          os << '?';
        else
          os << size;
      },
      "x");
}
} // namespace

int64_t verify::firstStatic(std::initializer_list<int64_t> candidates) {
  for (int64_t size : candidates)
    if (!ShapedType::isDynamic(size))
      return size;
  return ShapedType::kDynamic;
}

int64_t verify::dimOf(Value value, unsigned dim) {
  auto type =
      dyn_cast_or_null<RankedTensorType>(value ? value.getType() : Type());
  if (!type || type.getRank() <= static_cast<int64_t>(dim))
    return ShapedType::kDynamic;
  return type.getDimSize(dim);
}

int64_t verify::mulDims(int64_t a, int64_t b) {
  if (ShapedType::isDynamic(a) || ShapedType::isDynamic(b))
    return ShapedType::kDynamic;
  return a * b;
}

LogicalResult verify::checkShape(Operation *op, StringRef name, Value value,
                                 ArrayRef<Dim> expected) {
  auto meanings = [&](raw_ostream &os) {
    llvm::interleave(
        expected, os, [&](const Dim &d) { os << d.meaning; }, " x ");
  };
  auto type = dyn_cast<ShapedType>(value.getType());
  if (!type || !type.hasRank() ||
      type.getRank() != static_cast<int64_t>(expected.size())) {
    InFlightDiagnostic diag = op->emitOpError() << name << " must have rank "
                                                << expected.size() << " (";
    std::string text;
    llvm::raw_string_ostream os(text);
    meanings(os);
    return diag << text << "), got " << value.getType();
  }
  bool matches = true;
  for (auto [actual, want] : llvm::zip_equal(type.getShape(), expected))
    if (!ShapedType::isDynamic(actual) && !ShapedType::isDynamic(want.size) &&
        actual != want.size)
      matches = false;
  if (matches)
    return success();

  std::string text;
  llvm::raw_string_ostream os(text);
  os << name << " has shape ";
  printSizes(os, type.getShape());
  os << " but must be ";
  meanings(os);
  os << " = ";
  SmallVector<int64_t> wanted =
      llvm::map_to_vector(expected, [](const Dim &d) { return d.size; });
  printSizes(os, wanted);
  return op->emitOpError() << text;
}

LogicalResult
verify::checkSameElementType(Operation *op,
                             ArrayRef<std::pair<StringRef, Value>> values) {
  if (values.empty())
    return success();
  auto [firstName, first] = values.front();
  Type want = getElementTypeOrSelf(first.getType());
  for (auto [name, value] : values.drop_front()) {
    Type got = getElementTypeOrSelf(value.getType());
    if (got != want)
      return op->emitOpError() << name << " has element type " << got << " but "
                               << firstName << " has " << want;
  }
  return success();
}

LogicalResult verify::checkPositive(Operation *op, StringRef name,
                                    int64_t value) {
  if (value > 0)
    return success();
  return op->emitOpError() << name << " must be positive, got " << value;
}

LogicalResult verify::checkNonNegative(Operation *op, StringRef name,
                                       double value) {
  if (value >= 0.0 && std::isfinite(value))
    return success();
  return op->emitOpError() << name << " must be finite and non-negative, got "
                           << value;
}

LogicalResult verify::checkBuckets(Operation *op, ArrayAttr buckets,
                                   int64_t numUnrouted) {
  if (buckets.empty())
    return op->emitOpError() << "needs at least one frequency bucket";
  if (numUnrouted < 0)
    return op->emitOpError()
           << "num_unrouted must be non-negative, got " << numUnrouted;
  return success();
}

LogicalResult verify::checkAtMost(Operation *op, StringRef name, int64_t value,
                                  StringRef boundName, int64_t bound) {
  if (ShapedType::isDynamic(bound) || value <= bound)
    return success();
  return op->emitOpError() << name << " (" << value << ") exceeds " << boundName
                           << " (" << bound << ")";
}
