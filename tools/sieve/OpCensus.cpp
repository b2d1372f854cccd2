//===- OpCensus.cpp - count the ops of a module by kind -------------------===//

#include "tools/sieve/OpCensus.h"

#include "dialects/Sieve/IR/SieveDialect.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <fmt/format.h>

using namespace mlir::sieve::driver;

OpCensus OpCensus::of(mlir::ModuleOp module) {
  OpCensus census;
  // Always list the two sieve groups, so "no layer op left" reads as 0.
  census.groups["sieve layers"];
  census.groups["sieve primitives"];
  module->walk([&](mlir::Operation *op) {
    // Count what the module computes, not the scalar payload inside
    // structured ops (a linalg.matmul's mulf/addf/yield).
    if (op == module.getOperation() ||
        op->getParentOfType<mlir::linalg::LinalgOp>())
      return;
    llvm::StringRef dialect = op->getName().getDialectNamespace();
    std::string group = dialect.str();
    if (dialect == mlir::sieve::SieveDialect::getDialectNamespace())
      group = llvm::isa<mlir::sieve::LayerOpInterface>(op) ? "sieve layers"
                                                           : "sieve primitives";
    ++census.groups[group][op->getName().stripDialect().str()];
  });
  return census;
}

int OpCensus::count(const std::string &group) const {
  auto it = groups.find(group);
  if (it == groups.end())
    return 0;
  int total = 0;
  for (const auto &[name, n] : it->second)
    total += n;
  return total;
}

std::string OpCensus::format(const std::string &prefix) const {
  std::string text;
  for (const auto &[group, ops] : groups) {
    std::string detail;
    for (const auto &[name, n] : ops)
      detail += fmt::format("{}{} {}", detail.empty() ? "" : ", ", name, n);
    text += fmt::format("{}  {:<17} {:>4}  ({})\n", prefix, group, count(group),
                        detail);
  }
  return text;
}
