//===- ManifestTest.cpp - reading bundle manifests
//--------------------------===//

#include "runtime/Bundle/Manifest.h"
#include "runtime/Core/Error.h"

#include "test/runtime/TextEdits.h"

#include <gtest/gtest.h>

using namespace sieve::runtime;
using sieve::test::replace;

namespace {

const char *kValid = R"({
  "format": "sieve-bundle", "version": 1,
  "target": {"name": "host", "description": "x86_64"},
  "library": "kernels.so", "library_sha256": "ab", "cache_key": "cd",
  "source": "m.mlir", "tunables": {"k_block": 256, "tile_rows": 6},
  "functions": [{"name": "f", "symbol": "_mlir_ciface_f", "arguments": [
    {"name": "x", "kind": "input", "dtype": "f32", "shape": ["tokens", 16]},
    {"name": "seed", "kind": "scalar", "dtype": "i64"},
    {"name": "p", "kind": "output", "dtype": "i32", "shape": ["4*tokens"]}]}]
})";

std::string errorOf(const std::string &json) {
  try {
    Manifest::parse(json, "m.json");
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST(ManifestTest, ParsesEveryField) {
  Manifest m = Manifest::parse(kValid, "m.json");
  EXPECT_EQ(m.version, 1);
  EXPECT_EQ(m.targetName, "host");
  EXPECT_EQ(m.library, "kernels.so");
  ASSERT_EQ(m.functions.size(), 1u);
  const FunctionSpec &f = m.functions[0];
  EXPECT_EQ(f.symbol, "_mlir_ciface_f");
  ASSERT_EQ(f.args.size(), 3u);
  EXPECT_EQ(f.args[0].describe(), "f32[tokens x 16]");
  EXPECT_EQ(f.args[1].kind, ArgKind::Scalar);
  EXPECT_EQ(f.args[2].shape[0].tokens, 4);
  EXPECT_EQ(f.args[2].describe(), "i32[4*tokens]");
  EXPECT_EQ(f.count(ArgKind::Input), 1u);
  EXPECT_EQ(m.tunables.at("k_block"), 256);
  EXPECT_EQ(m.tunables.at("tile_rows"), 6);
}

TEST(ManifestTest, TunablesAreOptional) {
  Manifest m = Manifest::parse(
      replace(kValid, R"("tunables": {"k_block": 256, "tile_rows": 6},)", ""),
      "m.json");
  EXPECT_TRUE(m.tunables.empty());
}

TEST(ManifestTest, ErrorsNameTheField) {
  EXPECT_EQ(errorOf("{not json"),
            errorOf("{not json")); // stable
  EXPECT_NE(errorOf("{not json").find("m.json: not valid JSON"),
            std::string::npos);
  EXPECT_EQ(errorOf(replace(kValid, R"("version": 1)", R"("version": 7)")),
            "m.json: field 'version' is 7 but this runtime reads version 1; "
            "recompile the bundle");
  EXPECT_EQ(errorOf(replace(kValid, R"("library": "kernels.so", )", "")),
            "m.json: field 'library' is missing");
  EXPECT_EQ(
      errorOf(replace(kValid, R"("kind": "input")", R"("kind": "weight")")),
      "m.json: field 'functions[0].arguments[0].kind' must be input, "
      "scalar or output, got \"weight\"");
  EXPECT_EQ(errorOf(replace(kValid, R"("dtype": "f32")", R"("dtype": "f64")")),
            "m.json: field 'functions[0].arguments[0].dtype' is not a known "
            "element type: \"f64\"");
  EXPECT_EQ(errorOf(replace(kValid, R"(["4*tokens"])", R"(["tokens*4"])")),
            "m.json: field 'functions[0].arguments[2].shape[0]' must be a "
            "size, \"tokens\" or \"<n>*tokens\", got \"tokens*4\"");
  EXPECT_EQ(errorOf(replace(kValid, R"("dtype": "i64")", R"("dtype": "i32")")),
            "m.json: field 'functions[0].arguments[1].dtype' of a scalar must "
            "be i64");
  EXPECT_EQ(errorOf(replace(kValid, R"("shape": ["tokens", 16])",
                            R"("shape": "tokens")")),
            "m.json: field 'functions[0].arguments[0].shape' must be an array");
  EXPECT_EQ(errorOf(replace(kValid, R"("k_block": 256)", R"("k_block": "x")")),
            "m.json: field 'tunables.k_block' must be an integer");
  EXPECT_EQ(
      errorOf(replace(kValid, R"({"k_block": 256, "tile_rows": 6})", "[1]")),
      "m.json: field 'tunables' must be an object of integers");
  EXPECT_EQ(errorOf(replace(kValid, "sieve-bundle", "other")),
            "m.json: field 'format' must be \"sieve-bundle\"");
}

TEST(ManifestTest, MissingFileIsAnError) {
  EXPECT_THROW(Manifest::read("/nonexistent/manifest.json"), Error);
}

namespace {
const char *kVariants =
    R"("shape": ["4*tokens"]}],
  "variants": [{"symbol": "_mlir_ciface_f", "tiles": "2x2x16x1x1"},
               {"symbol": "_mlir_ciface_f__tiles1", "tiles": "2x2x32x2x1"}]}]
})";
const char *kVariantsAt = R"("shape": ["4*tokens"]}]}]
})";
} // namespace

TEST(ManifestTest, VariantsAreListedWithTheirTiles) {
  Manifest plain = Manifest::parse(kValid, "m.json");
  EXPECT_EQ(plain.functions[0].variantCount(), 1u);
  EXPECT_EQ(plain.functions[0].findVariant("2x2x16x1x1"), -1);

  Manifest m =
      Manifest::parse(replace(kValid, kVariantsAt, kVariants), "m.json");
  const FunctionSpec &f = m.functions[0];
  ASSERT_EQ(f.variantCount(), 2u);
  EXPECT_EQ(f.variants[1].symbol, "_mlir_ciface_f__tiles1");
  EXPECT_EQ(f.findVariant("2x2x32x2x1"), 1);
  EXPECT_EQ(f.findVariant("2x2x16x1x1"), 0);
  EXPECT_EQ(f.findVariant("4x4x16x1x1"), -1);
}

TEST(ManifestTest, BadVariantsNameTheField) {
  std::string valid = replace(kValid, kVariantsAt, kVariants);
  EXPECT_EQ(errorOf(replace(valid, R"("tiles": "2x2x32x2x1")",
                            R"("tiles": "2x2x16x1x1")")),
            "m.json: field 'functions[0].variants[1].tiles' repeats "
            "'2x2x16x1x1'");
  EXPECT_EQ(errorOf(replace(valid, R"({"symbol": "_mlir_ciface_f", )",
                            R"({"symbol": "g", )")),
            "m.json: field 'functions[0].variants[0].symbol' must be the "
            "function's own symbol _mlir_ciface_f");
  EXPECT_EQ(errorOf(replace(valid, R"(, "tiles": "2x2x32x2x1")", "")),
            "m.json: field 'functions[0].variants[1].tiles' is missing");
  EXPECT_EQ(errorOf(replace(kValid, kVariantsAt,
                            R"("shape": ["4*tokens"]}], "variants": []}]})")),
            "m.json: field 'functions[0].variants' is empty");
}
