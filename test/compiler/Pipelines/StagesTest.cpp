//===- StagesTest.cpp - the compiler's named stages -----------------------===//

#include "compiler/Pipelines/Stages.h"

#include "dialects/Sieve/IR/SieveOps.h"
#include "frontends/Builder/LayerBuilder.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::sieve;

namespace {

int countLayers(ModuleOp module) {
  int count = 0;
  module->walk([&](LayerOpInterface) { ++count; });
  return count;
}

class StagesTest : public ::testing::Test {
protected:
  StagesTest() : builder(&context) {
    context.loadDialect<SieveDialect, func::FuncDialect>();
    module = ModuleOp::create(builder.getUnknownLoc());
    LayerBuilder layers(builder, builder.getUnknownLoc(), builder.getF32Type());
    MoeFfnConfig moe;
    moe.dModel = 64;
    moe.numExperts = 8;
    moe.expertSize = 16;
    moe.k = 2;
    EXPECT_TRUE(
        succeeded(layers.buildFunction(*module, "moe", moe, /*train=*/false)));
    EXPECT_TRUE(succeeded(layers.buildFunction(
        *module, "dense", DenseFfnConfig{64, 256}, /*train=*/false)));
  }

  MLIRContext context;
  OpBuilder builder;
  OwningOpRef<ModuleOp> module;
};

TEST_F(StagesTest, StagesAreNamedAndOrdered) {
  ArrayRef<Stage> stages = getStages();
  ASSERT_GE(stages.size(), 2u);
  EXPECT_EQ(stages[0].name, "layers");
  EXPECT_FALSE(stages[0].buildPipeline); // parse + verify only
  EXPECT_EQ(stages[1].name, "primitives");
  EXPECT_EQ(lookupStage("primitives"), &stages[1]);
  EXPECT_EQ(lookupStage("ptx-someday"), nullptr);
}

TEST_F(StagesTest, RunsEveryStageAndLowersEveryLayer) {
  std::vector<std::pair<std::string, int>> seen;
  ASSERT_TRUE(succeeded(
      runStages(*module, "", [&](const Stage &stage, unsigned, ModuleOp m) {
        seen.push_back({stage.name, countLayers(m)});
      })));
  ASSERT_EQ(seen.size(), getStages().size());
  EXPECT_EQ(seen[0], (std::pair<std::string, int>{"layers", 2}));
  EXPECT_EQ(seen[1], (std::pair<std::string, int>{"primitives", 0}));
}

TEST_F(StagesTest, StopsAfterTheNamedStage) {
  int calls = 0;
  ASSERT_TRUE(succeeded(runStages(
      *module, "layers", [&](const Stage &, unsigned, ModuleOp) { ++calls; })));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(countLayers(*module), 2);
}

} // namespace
