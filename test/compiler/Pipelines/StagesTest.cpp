//===- StagesTest.cpp - the compiler's named stages -----------------------===//

#include "compiler/Pipelines/Stages.h"

#include "dialects/Sieve/IR/SieveOps.h"
#include "frontends/Builder/LayerBuilder.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassRegistry.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::sieve;

namespace {

int countLayers(ModuleOp module) {
  int count = 0;
  module->walk([&](LayerOpInterface) { ++count; });
  return count;
}

DialectRegistry registry() {
  DialectRegistry registry;
  registerSieveDialects(registry);
  return registry;
}

class StagesTest : public ::testing::Test {
protected:
  StagesTest() : context(registry()), builder(&context) {
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
  EXPECT_TRUE(stages[0].pipeline.empty()); // parse + verify only
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
  for (size_t i = 1; i < seen.size(); ++i)
    EXPECT_EQ(seen[i].second, 0) << seen[i].first;
  EXPECT_EQ(seen.back().first, "llvm");
}

TEST_F(StagesTest, EveryStagePipelineParses) {
  registerSievePipelines();
  for (const Stage &stage : getStages()) {
    if (stage.pipeline.empty())
      continue;
    PassManager pm(&context);
    EXPECT_TRUE(succeeded(parsePassPipeline(stage.pipeline, pm))) << stage.name;
  }
}

TEST_F(StagesTest, StopsAfterTheNamedStage) {
  int calls = 0;
  ASSERT_TRUE(succeeded(runStages(
      *module, "layers", [&](const Stage &, unsigned, ModuleOp) { ++calls; })));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(countLayers(*module), 2);
}

} // namespace
