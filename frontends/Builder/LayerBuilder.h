//===- LayerBuilder.h - the C++ builder API for sieve layer ops -----------===//
//
// Turns a LayerConfig into sieve IR: either one layer op at an insertion
// point, or a whole function whose arguments are the activations and the
// weights. Invalid configurations are reported through MLIR diagnostics
// (the op verifier's precise messages), never by asserting.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_FRONTENDS_BUILDER_LAYERBUILDER_H
#define SIEVE_FRONTENDS_BUILDER_LAYERBUILDER_H

#include "frontends/ModelDescription/LayerConfig.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::sieve {

// The plain layer descriptions, by their short names.
using ::sieve::model::countParameters;
using ::sieve::model::DenseFfnConfig;
using ::sieve::model::LayerConfig;
using ::sieve::model::modelWidth;
using ::sieve::model::MoeFfnConfig;
using ::sieve::model::MoweBucketConfig;
using ::sieve::model::MoweFfnConfig;
using ::sieve::model::PkmFfnConfig;
using ::sieve::model::TopKFfnConfig;
using ::sieve::model::weightNames;
using ::sieve::model::weightShapes;

class LayerBuilder {
public:
  /// Weights and activations get `elementType` (f32, f16 or bf16).
  LayerBuilder(OpBuilder &builder, Location loc, Type elementType)
      : b(builder), loc(loc), elementType(elementType) {}

  /// Types of the weights of `config`, in operand order.
  SmallVector<RankedTensorType> weightTypes(const LayerConfig &config) const;

  /// Creates the layer op at the insertion point. `routingIds` is used by
  /// MoWE only; `seed` is required for expert dropout in training. The op
  /// is not verified here (buildFunction does).
  Operation *buildLayer(const LayerConfig &config, Value x, ValueRange weights,
                        Value routingIds, Value seed, bool train);

  /// Creates `func.func @name(x, [routing_ids], weights..., [seed])` at the
  /// end of `module`, returning the layer's results, with x of shape
  /// `? x d_model`. Fails, with a diagnostic at the builder's location and
  /// without leaving the function behind, when the configuration is
  /// invalid.
  FailureOr<func::FuncOp> buildFunction(ModuleOp module, StringRef name,
                                        const LayerConfig &config, bool train);

private:
  /// Every size of `config` that becomes a tensor dimension is positive.
  LogicalResult checkSizes(const LayerConfig &config);

  OpBuilder &b;
  Location loc;
  Type elementType;
};

} // namespace mlir::sieve

#endif // SIEVE_FRONTENDS_BUILDER_LAYERBUILDER_H
