//===- GenerateBackward.cpp - the sieve-generate-backward pass ------------===//
//
// Three steps per training forward function F:
//
//  1. Differentiate: clone F into a scratch function G, append one gradient
//     argument per float result, and walk G's ops backwards asking each for
//     its adjoint (AdjointOpInterface). G then returns the arguments'
//     gradients; its body is F's ops followed by the backward ops.
//  2. Split: the backward function B gets G's backward ops. A forward value
//     they use is rematerialised in B when it is cheap (constants, sizes,
//     empty and filled tensors, reshapes, unary elementwise activations
//     from their saved input) and otherwise becomes a saved value: an
//     argument of B and an extra result of F.
//  3. Name: B's arguments and results get `sieve.name` (and
//     `sieve.tokens_multiple` for token-sized saved values), for the
//     manifest.
//
//===----------------------------------------------------------------------===//

#include "dialects/Sieve/Transforms/Adjoint/AdjointState.h"
#include "dialects/Sieve/Transforms/Passes.h"
#include "dialects/Sieve/Transforms/SignatureAttrs.h"

#include "dialects/Sieve/IR/SieveOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::sieve {
#define GEN_PASS_DEF_SIEVEGENERATEBACKWARD
#include "dialects/Sieve/Transforms/Passes.h.inc"
} // namespace mlir::sieve

using namespace mlir;
using namespace mlir::sieve;

namespace {

constexpr const char *kBackwardAttr = "sieve.backward";

bool isFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType());
}

/// A unary elementwise linalg.generic (an activation): recomputing it in B
/// from its input costs one pass over memory and saves F storing both its
/// input and its output (the hidden units before and after the activation).
bool isUnaryElementwise(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 || generic->getNumResults() != 1 ||
      generic.getNumLoops() != generic.getNumParallelLoops())
    return false;
  if (!llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return false;
  // The body reads the input only: no index, no other value from outside.
  return llvm::all_of(generic.getBody()->without_terminator(),
                      [](Operation &inner) {
                        return isa<arith::ArithDialect, math::MathDialect>(
                                   inner.getDialect()) &&
                               inner.getNumRegions() == 0;
                      }) &&
         !generic.hasIndexSemantics();
}

/// Ops whose results B recomputes instead of receiving them from F.
bool isCheap(Operation *op) {
  if (isa<arith::ConstantOp, tensor::EmptyOp, tensor::DimOp, linalg::FillOp,
          tensor::CollapseShapeOp, tensor::ExpandShapeOp,
          tensor::ExtractSliceOp, tensor::CastOp>(op))
    return true;
  if (isUnaryElementwise(op))
    return true;
  // Integer and index arithmetic on sizes.
  return isa<arith::ArithDialect>(op->getDialect()) &&
         op->getNumRegions() == 0 &&
         llvm::all_of(op->getResultTypes(),
                      [](Type type) { return type.isIntOrIndex(); });
}

/// Builds B from the backward ops of G (step 2).
class BackwardSplitter {
public:
  BackwardSplitter(func::FuncOp grad, const DenseSet<Operation *> &forwardOps,
                   func::FuncOp backward, unsigned numForwardArgs)
      : grad(grad), forwardOps(forwardOps), backward(backward),
        numForwardArgs(numForwardArgs) {}

  /// Fills B's body; returns the G values B receives as saved arguments.
  FailureOr<SmallVector<Value>> split();

private:
  /// B's counterpart of the G value `value`.
  Value materialize(Value value);
  /// B's value of dimension `dim` of the G value `value`, traced through
  /// destination-passing ops to sizes B already has where possible.
  Value materializeDim(Value value, int64_t dim);

  func::FuncOp grad;
  const DenseSet<Operation *> &forwardOps;
  func::FuncOp backward;
  unsigned numForwardArgs;
  Block *block = nullptr;
  OpBuilder builder{grad.getContext()};
  IRMapping mapping;
  SmallVector<Value> saved;
  /// B's arguments: [F's tensor arguments][saved][F's scalars][gradients].
  unsigned numTensorArgs = 0, numScalars = 0;
};

Value BackwardSplitter::materialize(Value value) {
  if (Value known = mapping.lookupOrNull(value))
    return known;
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    // A scalar argument of F that the backward ops use.
    Value added =
        block->insertArgument(numTensorArgs + saved.size() + numScalars++,
                              arg.getType(), arg.getLoc());
    mapping.map(value, added);
    return added;
  }
  Operation *def = value.getDefiningOp();
  if (auto dim = dyn_cast<tensor::DimOp>(def)) {
    std::optional<int64_t> index = dim.getConstantIndex();
    if (index) {
      Value size = materializeDim(dim.getSource(), *index);
      mapping.map(value, size);
      return size;
    }
  }
  if (isCheap(def)) {
    for (Value operand : def->getOperands())
      materialize(operand);
    // What a recomputed region uses from outside (an activation's
    // constants) must exist in B too.
    llvm::SetVector<Value> captured;
    getUsedValuesDefinedAbove(def->getRegions(), captured);
    for (Value outside : captured)
      materialize(outside);
    Operation *copy = builder.clone(*def, mapping);
    return copy->getResult(cast<OpResult>(value).getResultNumber());
  }
  // Saved: a new argument after F's tensors and the values saved so far.
  Value added = block->insertArgument(numTensorArgs + saved.size(),
                                      value.getType(), value.getLoc());
  saved.push_back(value);
  mapping.map(value, added);
  return added;
}

Value BackwardSplitter::materializeDim(Value value, int64_t dim) {
  Location loc = value.getLoc();
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.isDynamicDim(dim))
    return arith::ConstantIndexOp::create(builder, loc, type.getDimSize(dim));
  Operation *def = value.getDefiningOp();
  if (!mapping.contains(value) && def && forwardOps.contains(def)) {
    if (auto empty = dyn_cast<tensor::EmptyOp>(def))
      return materialize(empty.getDynamicSize(dim));
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(def))
      if (OpOperand *init = dps.getTiedOpOperand(cast<OpResult>(value)))
        return materializeDim(init->get(), dim);
  }
  return tensor::DimOp::create(builder, loc, materialize(value), dim);
}

FailureOr<SmallVector<Value>> BackwardSplitter::split() {
  Block &gradBody = grad.front();
  block = new Block();
  backward.getBody().push_back(block);
  builder.setInsertionPointToStart(block);
  // F's tensor arguments first, then (inserted between) saved values and
  // scalars, then the gradients of F's results.
  for (BlockArgument arg : gradBody.getArguments()) {
    bool gradient = arg.getArgNumber() >= numForwardArgs;
    if (!gradient && !isa<RankedTensorType>(arg.getType()))
      continue;
    mapping.map(arg, block->addArgument(arg.getType(), arg.getLoc()));
    numTensorArgs += !gradient;
  }
  for (Operation &op : gradBody) {
    if (forwardOps.contains(&op))
      continue;
    for (Value operand : op.getOperands())
      materialize(operand);
    llvm::SetVector<Value> captured;
    getUsedValuesDefinedAbove(op.getRegions(), captured);
    for (Value value : captured)
      materialize(value);
    builder.clone(op, mapping);
  }
  return saved;
}

struct GenerateBackwardPass
    : mlir::sieve::impl::SieveGenerateBackwardBase<GenerateBackwardPass> {
  void runOnOperation() override {
    SmallVector<func::FuncOp> forwards;
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func->hasAttr(kBackwardAttr))
        forwards.push_back(func);
    for (func::FuncOp forward : forwards)
      if (failed(generate(forward)))
        return signalPassFailure();
  }

  LogicalResult generate(func::FuncOp forward);
  /// Step 1: G with the adjoint ops; records which of its ops are F's.
  FailureOr<func::FuncOp> differentiate(func::FuncOp forward,
                                        DenseSet<Operation *> &forwardOps,
                                        IRMapping &forwardToGrad);
  /// Step 3.
  LogicalResult nameBackward(func::FuncOp forward, func::FuncOp backward,
                             unsigned numResults,
                             ArrayRef<Value> savedInForward);
};

FailureOr<func::FuncOp>
GenerateBackwardPass::differentiate(func::FuncOp forward,
                                    DenseSet<Operation *> &forwardOps,
                                    IRMapping &forwardToGrad) {
  OpBuilder b(forward);
  auto grad = cast<func::FuncOp>(b.clone(*forward, forwardToGrad));
  grad.setSymName((forward.getSymName() + ".grad").str());
  grad->removeAttr(kBackwardAttr);
  Block &body = grad.front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  for (Operation &op : body.without_terminator())
    forwardOps.insert(&op);

  AdjointState state;
  SmallVector<Value> roots;
  for (BlockArgument arg : body.getArguments())
    if (isFloatTensor(arg.getType()))
      roots.push_back(arg);
  state.computeActivity(body, roots);

  b.setInsertionPoint(ret);
  for (Value result : ret.getOperands())
    if (isFloatTensor(result.getType()))
      state.addGradient(b, ret.getLoc(), result,
                        body.addArgument(result.getType(), ret.getLoc()));

  SmallVector<Operation *> ops = llvm::map_to_vector(
      body.without_terminator(), [](Operation &op) { return &op; });
  for (Operation *op : llvm::reverse(ops)) {
    if (!forwardOps.contains(op))
      continue;
    bool hasGradient = llvm::any_of(op->getResults(), [&](Value result) {
      return static_cast<bool>(state.gradient(result));
    });
    bool hasActiveOperand = llvm::any_of(op->getOperands(), [&](Value operand) {
      return state.isActive(operand);
    });
    if (!hasGradient || !hasActiveOperand)
      continue;
    auto adjoint = dyn_cast<AdjointOpInterface>(op);
    if (!adjoint) {
      InFlightDiagnostic error =
          op->emitOpError()
          << "has no adjoint (AdjointOpInterface): sieve-generate-backward "
             "cannot differentiate through it";
      grad.erase();
      return error;
    }
    if (failed(adjoint.buildAdjoint(b, state))) {
      grad.erase();
      return failure();
    }
  }

  SmallVector<Value> argGrads;
  for (Value root : roots) {
    Value argGrad = state.gradient(root);
    argGrads.push_back(argGrad ? argGrad : zerosLike(b, ret.getLoc(), root));
  }
  ret.getOperandsMutable().assign(argGrads);
  return grad;
}

LogicalResult
GenerateBackwardPass::nameBackward(func::FuncOp forward, func::FuncOp backward,
                                   unsigned numResults,
                                   ArrayRef<Value> savedInForward) {
  MLIRContext *ctx = &getContext();
  auto name = [&](const std::string &text) {
    return NamedAttribute(StringAttr::get(ctx, kNameAttr),
                          StringAttr::get(ctx, text));
  };
  unsigned next = 0;
  // F's tensor arguments keep their attributes.
  for (auto [index, type] : llvm::enumerate(forward.getArgumentTypes()))
    if (isa<RankedTensorType>(type))
      backward.setArgAttrs(next++, forward.getArgAttrDict(index));
  for (auto [index, value] : llvm::enumerate(savedInForward)) {
    SmallVector<NamedAttribute> attrs = {name("saved" + std::to_string(index))};
    auto type = cast<RankedTensorType>(value.getType());
    for (int64_t dim = 0; dim < type.getRank(); ++dim) {
      if (!type.isDynamicDim(dim))
        continue;
      FailureOr<TokenDim> traced = traceTokenDim(forward, value, dim);
      if (failed(traced) || traced->tokens == 0)
        return forward.emitError()
               << "saved value " << index << " of type " << type
               << " has a dynamic size that is not a multiple of the token "
                  "count";
      attrs.push_back(NamedAttribute(
          StringAttr::get(ctx, kTokensMultipleAttr),
          IntegerAttr::get(IntegerType::get(ctx, 64), traced->tokens)));
    }
    backward.setArgAttrs(next++, attrs);
  }
  // Scalars the backward ops use, then the results' gradients.
  TypeRange results = forward.getResultTypes().take_front(numResults);
  unsigned gradients = llvm::count_if(results, isFloatTensor);
  for (; next < backward.getNumArguments() - gradients; ++next)
    backward.setArgAttrs(next, {name("scalar" + std::to_string(next))});
  for (auto [index, type] : llvm::enumerate(results))
    if (isFloatTensor(type))
      backward.setArgAttrs(next++,
                           {name("d" + signatureName(forward, true, index))});
  unsigned result = 0;
  for (auto [index, type] : llvm::enumerate(forward.getArgumentTypes()))
    if (isFloatTensor(type))
      backward.setResultAttrs(
          result++, {name("d" + signatureName(forward, false, index))});
  for (StringRef attr : {"sieve.layers", "sieve.ffn"})
    if (Attribute value = forward->getAttr(attr))
      backward->setAttr(attr, value);
  return success();
}

LogicalResult GenerateBackwardPass::generate(func::FuncOp forward) {
  auto backwardName = forward->getAttrOfType<StringAttr>(kBackwardAttr);
  if (!backwardName)
    return forward.emitError()
           << kBackwardAttr << " must name the backward function (a string)";
  ModuleOp module = getOperation();
  if (module.lookupSymbol(backwardName))
    return forward.emitError() << "cannot generate the backward function '"
                               << backwardName.getValue()
                               << "': the module already has a symbol of "
                                  "that name";
  if (!forward.getBody().hasOneBlock())
    return forward.emitError()
           << "sieve-generate-backward needs a function with one block";

  DenseSet<Operation *> forwardOps;
  IRMapping forwardToGrad;
  FailureOr<func::FuncOp> grad =
      differentiate(forward, forwardOps, forwardToGrad);
  if (failed(grad))
    return failure();

  OpBuilder b(forward);
  b.setInsertionPointAfter(forward);
  auto backward =
      func::FuncOp::create(b, forward.getLoc(), backwardName,
                           FunctionType::get(&getContext(), {}, {}));
  BackwardSplitter splitter(*grad, forwardOps, backward,
                            forward.getNumArguments());
  FailureOr<SmallVector<Value>> saved = splitter.split();
  grad->erase();
  if (failed(saved))
    return failure();
  Block &body = backward.front();
  backward.setFunctionType(
      FunctionType::get(&getContext(), body.getArgumentTypes(),
                        body.getTerminator()->getOperandTypes()));

  // F returns the saved values too.
  IRMapping gradToForward;
  for (auto [from, to] : forwardToGrad.getValueMap())
    gradToForward.map(to, from);
  SmallVector<Value> savedInForward = llvm::map_to_vector(
      *saved, [&](Value value) { return gradToForward.lookup(value); });
  auto ret = cast<func::ReturnOp>(forward.front().getTerminator());
  unsigned firstSaved = forward.getNumResults();
  for (auto [index, value] : llvm::enumerate(savedInForward)) {
    (void)forward.insertResult(
        firstSaved + index, value.getType(),
        DictionaryAttr::get(
            &getContext(),
            {NamedAttribute(
                StringAttr::get(&getContext(), kNameAttr),
                StringAttr::get(&getContext(),
                                "saved" + std::to_string(index)))}));
    ret.getOperandsMutable().append(value);
  }
  forward->removeAttr(kBackwardAttr);
  return nameBackward(forward, backward, firstSaved, savedInForward);
}

} // namespace
