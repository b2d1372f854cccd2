//===- OpCensusTest.cpp - the op census of `sieve stages` -----------------===//

#include "tools/sieve/OpCensus.h"

#include "dialects/Sieve/IR/SieveOps.h"
#include "frontends/Builder/LayerBuilder.h"

#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::sieve;
using mlir::sieve::driver::OpCensus;

TEST(OpCensusTest, GroupsLayersPrimitivesAndDialects) {
  MLIRContext context;
  context.loadDialect<SieveDialect, func::FuncDialect>();
  OpBuilder builder(&context);
  OwningOpRef<ModuleOp> module = ModuleOp::create(builder.getUnknownLoc());
  LayerBuilder layers(builder, builder.getUnknownLoc(), builder.getF32Type());
  ASSERT_TRUE(succeeded(
      layers.buildFunction(*module, "a", DenseFfnConfig{8, 32}, false)));
  ASSERT_TRUE(succeeded(
      layers.buildFunction(*module, "b", TopKFfnConfig{8, 32, 4}, false)));

  OpCensus census = OpCensus::of(*module);
  EXPECT_EQ(census.count("sieve layers"), 2);
  EXPECT_EQ(census.count("sieve primitives"), 0);
  EXPECT_EQ(census.count("func"), 4); // two func.func, two func.return
  EXPECT_EQ(census.groups.at("sieve layers").at("topk_ffn"), 1);
  EXPECT_EQ(census.count("linalg"), 0);

  std::string text = census.format("//");
  EXPECT_NE(text.find("//  sieve layers         2  (dense_ffn 1, topk_ffn 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("//  sieve primitives     0  ()"), std::string::npos)
      << text;
}
