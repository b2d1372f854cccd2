//===- VerifyUtilsTest.cpp - the shared verifier helpers ------------------===//

#include "dialects/Sieve/IR/VerifyUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"

#include <gtest/gtest.h>

#include <limits>

using namespace mlir;
using namespace mlir::sieve;

namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;

/// An unregistered op with one operand of `operandType`, to report on, and
/// the diagnostics it emitted.
class VerifyUtilsTest : public ::testing::Test {
protected:
  VerifyUtilsTest() : builder(&context) {
    context.allowUnregisteredDialects();
    handler = std::make_unique<ScopedDiagnosticHandler>(
        &context, [this](Diagnostic &diag) {
          messages.push_back(diag.str());
          return success();
        });
  }

  Operation *opWith(Type operandType) {
    OperationState state(builder.getUnknownLoc(), "test.source");
    state.addTypes(operandType);
    Operation *source = Operation::create(state);
    owned.push_back(source);
    OperationState userState(builder.getUnknownLoc(), "test.user");
    userState.addOperands(source->getResult(0));
    Operation *user = Operation::create(userState);
    owned.push_back(user);
    return user;
  }

  ~VerifyUtilsTest() override {
    for (auto it = owned.rbegin(); it != owned.rend(); ++it)
      (*it)->destroy();
  }

  MLIRContext context;
  OpBuilder builder;
  std::unique_ptr<ScopedDiagnosticHandler> handler;
  std::vector<std::string> messages;
  std::vector<Operation *> owned;
};

TEST_F(VerifyUtilsTest, FirstStaticSkipsDynamicSizes) {
  EXPECT_EQ(verify::firstStatic({kDyn, 7, 3}), 7);
  EXPECT_EQ(verify::firstStatic({kDyn, kDyn}), kDyn);
  EXPECT_EQ(verify::firstStatic({0}), 0);
}

TEST_F(VerifyUtilsTest, MulDimsPropagatesDynamic) {
  EXPECT_EQ(verify::mulDims(4, 8), 32);
  EXPECT_EQ(verify::mulDims(kDyn, 8), kDyn);
  EXPECT_EQ(verify::mulDims(4, kDyn), kDyn);
}

TEST_F(VerifyUtilsTest, DimOfToleratesLowRankAndNonTensors) {
  Operation *op =
      opWith(RankedTensorType::get({3, kDyn}, builder.getF32Type()));
  Value v = op->getOperand(0);
  EXPECT_EQ(verify::dimOf(v, 0), 3);
  EXPECT_EQ(verify::dimOf(v, 1), kDyn);
  EXPECT_EQ(verify::dimOf(v, 2), kDyn);
  Operation *scalar = opWith(builder.getF32Type());
  EXPECT_EQ(verify::dimOf(scalar->getOperand(0), 0), kDyn);
  EXPECT_EQ(verify::dimOf(Value(), 0), kDyn);
}

TEST_F(VerifyUtilsTest, CheckShapeAcceptsMatchingAndDynamicSizes) {
  Operation *op =
      opWith(RankedTensorType::get({kDyn, 16}, builder.getF32Type()));
  EXPECT_TRUE(succeeded(verify::checkShape(op, "x", op->getOperand(0),
                                           {{8, "tokens"}, {16, "d_model"}})));
  EXPECT_TRUE(succeeded(verify::checkShape(
      op, "x", op->getOperand(0), {{kDyn, "tokens"}, {kDyn, "d_model"}})));
  EXPECT_TRUE(messages.empty());
}

TEST_F(VerifyUtilsTest, CheckShapeNamesTheMismatch) {
  Operation *op =
      opWith(RankedTensorType::get({16, 3, 128}, builder.getF32Type()));
  EXPECT_TRUE(failed(verify::checkShape(
      op, "w1", op->getOperand(0),
      {{16, "num_experts"}, {kDyn, "d_model"}, {64, "expert_size"}})));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0], "'test.user' op w1 has shape 16x3x128 but must be "
                         "num_experts x d_model x expert_size = 16x?x64");
}

TEST_F(VerifyUtilsTest, CheckShapeNamesTheRank) {
  Operation *op = opWith(RankedTensorType::get({4}, builder.getI32Type()));
  EXPECT_TRUE(failed(verify::checkShape(op, "experts", op->getOperand(0),
                                        {{4, "tokens"}, {2, "k"}})));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0], "'test.user' op experts must have rank 2 "
                         "(tokens x k), got 'tensor<4xi32>'");
}

TEST_F(VerifyUtilsTest, CheckShapeRejectsUnrankedTensors) {
  Operation *op = opWith(UnrankedTensorType::get(builder.getF32Type()));
  EXPECT_TRUE(failed(
      verify::checkShape(op, "x", op->getOperand(0), {{kDyn, "tokens"}})));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages[0].find("must have rank 1"), std::string::npos);
}

TEST_F(VerifyUtilsTest, ElementTypesAndRanges) {
  Operation *a = opWith(RankedTensorType::get({2}, builder.getF32Type()));
  Operation *b = opWith(RankedTensorType::get({2}, builder.getBF16Type()));
  EXPECT_TRUE(failed(verify::checkSameElementType(
      a, {{"x", a->getOperand(0)}, {"w", b->getOperand(0)}})));
  EXPECT_TRUE(failed(verify::checkPositive(a, "k", 0)));
  EXPECT_TRUE(succeeded(verify::checkPositive(a, "k", 1)));
  EXPECT_TRUE(failed(verify::checkAtMost(a, "k", 5, "num_experts", 4)));
  EXPECT_TRUE(succeeded(verify::checkAtMost(a, "k", 4, "num_experts", 4)));
  EXPECT_TRUE(succeeded(verify::checkAtMost(a, "k", 5, "num_experts", kDyn)));
  EXPECT_TRUE(failed(verify::checkNonNegative(a, "gamma", -0.5)));
  EXPECT_TRUE(failed(verify::checkNonNegative(
      a, "gamma", std::numeric_limits<double>::infinity())));
  EXPECT_TRUE(succeeded(verify::checkNonNegative(a, "gamma", 0.0)));
  ASSERT_EQ(messages.size(), 5u);
  EXPECT_EQ(messages[0],
            "'test.user' op w has element type 'bf16' but x has 'f32'");
  EXPECT_EQ(messages[1], "'test.user' op k must be positive, got 0");
  EXPECT_EQ(messages[2], "'test.user' op k (5) exceeds num_experts (4)");
}

} // namespace
