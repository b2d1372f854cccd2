//===- TuningDatabaseTest.cpp - keys, the database, the variant choice ----===//
//
// The tuner's GPU-free logic: token buckets and kernel signatures, the
// database's round trip and its refusals, atomic replacement, and which
// variant runs with and without a database and in deterministic mode.
//
//===----------------------------------------------------------------------===//

#include "runtime/Core/Error.h"
#include "runtime/Tuning/VariantChoice.h"

#include "test/runtime/TextEdits.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace sieve::runtime;
using sieve::test::replace;

namespace {

const char *kManifest = R"({
  "format": "sieve-bundle", "version": 1,
  "target": {"name": "sm_90a", "description": "nvptx64"},
  "library": "kernels.so", "library_sha256": "ab", "cache_key": "cd",
  "source": "m.mlir", "tunables": {"cvmm_precision": 3, "cvmm_warps_m": 2},
  "functions": [{"name": "ffn_backward", "symbol": "_mlir_ciface_ffn_backward",
    "arguments": [
      {"name": "x", "kind": "input", "dtype": "bf16", "shape": ["tokens", 512]},
      {"name": "dw", "kind": "output", "dtype": "bf16", "shape": [16, 512, 128]}],
    "variants": [
      {"symbol": "_mlir_ciface_ffn_backward", "tiles": "2x2x16x1x1"},
      {"symbol": "_mlir_ciface_ffn_backward__tiles1", "tiles": "1x4x16x3x2"},
      {"symbol": "_mlir_ciface_ffn_backward__tiles3", "tiles": "2x2x16x4x1"}]},
   {"name": "route", "symbol": "_mlir_ciface_route", "arguments": [
      {"name": "x", "kind": "input", "dtype": "f32", "shape": ["tokens", 8]}]}]
})";

Manifest manifest() { return Manifest::parse(kManifest, "m.json"); }

TuningKey keyAt(int64_t tokens, const std::string &gpu = "NVIDIA H100") {
  Manifest m = manifest();
  return {{gpu, 90, 13000},
          kernelSignature(m, m.functions[0]),
          tokenBucket(tokens)};
}

TunedChoice choice(const std::string &tiles) {
  TunedChoice c;
  c.tiles = tiles;
  c.repetitions = 20;
  c.medianMs = {{"2x2x16x1x1", 1.5}, {"1x4x16x3x2", 0.75}, {tiles, 0.5}};
  return c;
}

std::string errorOf(const std::string &json) {
  try {
    TuningDatabase::fromJson(json, "db.json");
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

std::string temporaryDirectory() {
  char pattern[] = "/tmp/sieve-tuning-XXXXXX";
  const char *made = mkdtemp(pattern);
  EXPECT_NE(made, nullptr);
  return made ? made : "/tmp";
}

std::string read(const std::string &path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

TEST(TuningKeyTest, BucketsArePowersOfTwoAtLeastTheTokens) {
  EXPECT_EQ(tokenBucket(0), 1);
  EXPECT_EQ(tokenBucket(1), 1);
  EXPECT_EQ(tokenBucket(3), 4);
  EXPECT_EQ(tokenBucket(30000), 32768);
  EXPECT_EQ(tokenBucket(32768), 32768);
  EXPECT_EQ(tokenBucket(32769), 65536);
  // Nearby batch sizes share one choice: no retuning per token count.
  EXPECT_EQ(keyAt(20000), keyAt(30000));
  EXPECT_FALSE(keyAt(16384) == keyAt(16385));
}

TEST(TuningKeyTest, SignatureNamesFunctionArgumentsTargetAndPrecision) {
  Manifest m = manifest();
  EXPECT_EQ(kernelSignature(m, m.functions[0]),
            "ffn_backward(bf16[tokens x 512], bf16[16 x 512 x 128]) sm_90a "
            "bf16");
  m.tunables["cvmm_precision"] = 1;
  std::string tf32 = kernelSignature(m, m.functions[0]);
  EXPECT_EQ(tf32.substr(tf32.size() - 11), "sm_90a tf32");
  m.targetName = "sm_80";
  EXPECT_NE(kernelSignature(m, m.functions[0]), keyAt(1).kernel);
}

TEST(TuningKeyTest, EveryPartOfTheKeyTells) {
  TuningKey key = keyAt(32768);
  EXPECT_EQ(key.describe(), "'" + key.kernel +
                                "' at 32768 tokens on NVIDIA H100 (sm_90, "
                                "driver 13000)");
  TuningKey other = key;
  other.device.driverVersion = 12080;
  EXPECT_FALSE(other == key);
  other = key;
  other.device.computeCapability = 100;
  EXPECT_FALSE(other == key);
  EXPECT_FALSE(keyAt(32768, "NVIDIA H200") == key);
}

TEST(TuningDatabaseTest, RoundTripsThroughJson) {
  TuningDatabase database;
  database.record(keyAt(32768), choice("2x2x16x4x1"));
  database.record(keyAt(1024), choice("1x4x16x3x2"));
  database.record(keyAt(32768, "NVIDIA H200"), choice("2x2x16x1x1"));
  TuningDatabase back = TuningDatabase::fromJson(database.toJson(), "db");
  ASSERT_EQ(back.size(), 3u);
  const TunedChoice *found = back.find(keyAt(30000));
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->tiles, "2x2x16x4x1");
  EXPECT_EQ(found->repetitions, 20);
  EXPECT_EQ(found->medianMs.at("1x4x16x3x2"), 0.75);
  EXPECT_EQ(back.find(keyAt(1000))->tiles, "1x4x16x3x2");
  EXPECT_EQ(back.find(keyAt(32768, "NVIDIA H200"))->tiles, "2x2x16x1x1");
  EXPECT_EQ(back.find(keyAt(65536)), nullptr);
  EXPECT_EQ(back.toJson(), database.toJson());
}

TEST(TuningDatabaseTest, RecordingAKeyAgainReplacesItsChoice) {
  TuningDatabase database;
  database.record(keyAt(32768), choice("2x2x16x4x1"));
  database.record(keyAt(32768), choice("1x4x16x3x2"));
  EXPECT_EQ(database.size(), 1u);
  EXPECT_EQ(database.find(keyAt(32768))->tiles, "1x4x16x3x2");
}

TEST(TuningDatabaseTest, RefusesWhatDoesNotParseSayingWhere) {
  TuningDatabase database;
  database.record(keyAt(32768), choice("2x2x16x4x1"));
  std::string valid = database.toJson();
  EXPECT_EQ(errorOf(valid), "");
  EXPECT_EQ(errorOf(valid.substr(0, valid.size() / 2)),
            "db.json: not valid JSON (a corrupt tuning database; remove it "
            "or run sieve tune again)");
  EXPECT_EQ(errorOf(replace(valid, "sieve-tuning-database", "sieve-bundle")),
            "db.json: is not a tuning database (format 'sieve-bundle')");
  EXPECT_EQ(errorOf(replace(valid, "\"version\": 1", "\"version\": 2")),
            "db.json: has version 2; this runtime reads version 1");
  EXPECT_EQ(errorOf(replace(valid, "\"token_bucket\": 32768",
                            "\"token_bucket\": 30000")),
            "db.json: entries[0] field 'token_bucket' must be a power of two");
  EXPECT_EQ(errorOf(replace(valid, "\"driver\": 13000", "\"driver\": \"13\"")),
            "db.json: entries[0] field 'driver' must be an integer of at "
            "least 1");
  EXPECT_EQ(errorOf(replace(valid, "\"tiles\": \"2x2x16x4x1\"",
                            "\"tiles\": \"4x4x16x1x1\"")),
            "db.json: entries[0] chose '4x4x16x1x1', which is not among the "
            "candidates it timed");
  EXPECT_EQ(
      errorOf(replace(valid, "\"2x2x16x4x1\": 0.5", "\"2x2x16x4x1\": -1")),
      "db.json: entries[0] field 'median_ms' of '2x2x16x4x1' must be a "
      "non-negative number of milliseconds");
  EXPECT_EQ(errorOf(replace(valid, "\"gpu\"", "\"device\"")),
            "db.json: entries[0] has no field 'gpu'");
  size_t start = valid.find("\n    {") + 1;
  std::string entry = valid.substr(start, valid.find("\n    }") + 6 - start);
  std::string twice =
      replace(valid, "\"entries\": [\n", "\"entries\": [\n" + entry + ",\n");
  EXPECT_EQ(errorOf(twice).rfind(
                "db.json: entries[1] repeats the key of an earlier entry", 0),
            0u)
      << errorOf(twice);
}

TEST(TuningDatabaseTest, SavesAtomicallyAndLoadsBack) {
  std::string directory = temporaryDirectory();
  std::string path = directory + "/tuning.json";
  // No file yet: an empty database.
  EXPECT_EQ(TuningDatabase::load(path).size(), 0u);
  TuningDatabase database;
  database.record(keyAt(32768), choice("2x2x16x4x1"));
  database.save(path);
  EXPECT_EQ(TuningDatabase::load(path).find(keyAt(32768))->tiles, "2x2x16x4x1");
  database.record(keyAt(1024), choice("1x4x16x3x2"));
  database.save(path);
  EXPECT_EQ(TuningDatabase::load(path).size(), 2u);
  // Nothing is left beside it.
  size_t files = 0;
  for (auto &entry : std::filesystem::directory_iterator(directory))
    files += entry.is_regular_file();
  EXPECT_EQ(files, 1u);
  std::filesystem::remove_all(directory);
}

TEST(TuningDatabaseTest, AFailedSaveLeavesThePreviousFile) {
  std::string directory = temporaryDirectory();
  std::string path = directory + "/tuning.json";
  TuningDatabase database;
  database.record(keyAt(32768), choice("2x2x16x4x1"));
  database.save(path);
  std::string before = read(path);
  // The rename cannot replace a directory: the save fails after writing.
  std::filesystem::create_directory(directory + "/blocked");
  database.record(keyAt(1024), choice("1x4x16x3x2"));
  try {
    database.save(directory + "/blocked");
    ADD_FAILURE() << "saving over a directory succeeded";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("(the previous file is unchanged)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(read(path), before);
  size_t files = 0;
  for (auto &entry : std::filesystem::directory_iterator(directory))
    files += entry.is_regular_file();
  EXPECT_EQ(files, 1u) << "the temporary file was left behind";
  std::filesystem::remove_all(directory);
}

TEST(TuningDatabaseTest, ACorruptFileIsReportedNotReplaced) {
  std::string directory = temporaryDirectory();
  std::string path = directory + "/tuning.json";
  std::ofstream(path) << "{\"format\": \"sieve-tuning-database\", \"vers";
  try {
    TuningDatabase::load(path);
    ADD_FAILURE() << "a truncated database loaded";
  } catch (const Error &e) {
    EXPECT_EQ(std::string(e.what()).rfind(path + ": not valid JSON", 0), 0u)
        << e.what();
  }
  EXPECT_EQ(read(path), "{\"format\": \"sieve-tuning-database\", \"vers");
  std::filesystem::remove_all(directory);
}

TEST(VariantChoiceTest, TheDatabaseChoosesWhereItHasAnEntry) {
  Manifest m = manifest();
  TuningDatabase database;
  database.record(keyAt(32768), choice("2x2x16x4x1"));
  VariantChoice tuned =
      chooseVariant(m.functions[0], &database, keyAt(30000), false);
  EXPECT_EQ(tuned.variant, 2u);
  EXPECT_TRUE(tuned.tuned);
  EXPECT_EQ(tuned.why, "tuned: 2x2x16x4x1 (0.5 ms)");
  // The same in deterministic mode: the recorded choice is pinned.
  EXPECT_EQ(
      chooseVariant(m.functions[0], &database, keyAt(30000), true).variant, 2u);
}

TEST(VariantChoiceTest, WithoutAnEntryTheDefaultRuns) {
  Manifest m = manifest();
  TuningDatabase database;
  database.record(keyAt(32768), choice("2x2x16x4x1"));
  VariantChoice none = chooseVariant(m.functions[0], nullptr, keyAt(8), false);
  EXPECT_EQ(none.variant, 0u);
  EXPECT_FALSE(none.tuned);
  EXPECT_EQ(none.why, "default: 2x2x16x1x1 (no tuning database)");
  VariantChoice other =
      chooseVariant(m.functions[0], &database, keyAt(1024), false);
  EXPECT_EQ(other.variant, 0u);
  EXPECT_EQ(other.why.rfind("default: 2x2x16x1x1 (no entry for 'ffn_", 0), 0u)
      << other.why;
  // A choice of tiles the bundle was not compiled with is not used.
  database.record(keyAt(1024), choice("4x2x16x3x4"));
  VariantChoice stale =
      chooseVariant(m.functions[0], &database, keyAt(1024), false);
  EXPECT_EQ(stale.variant, 0u);
  EXPECT_NE(stale.why.find("chose tiles '4x2x16x3x4', which this bundle "
                           "does not hold"),
            std::string::npos);
}

TEST(VariantChoiceTest, DeterministicModeRunsOnlyRecordedChoices) {
  Manifest m = manifest();
  TuningDatabase database;
  try {
    chooseVariant(m.functions[0], &database, keyAt(1024), true);
    ADD_FAILURE() << "deterministic mode fell back to the default";
  } catch (const Error &e) {
    EXPECT_EQ(std::string(e.what()).rfind(
                  "deterministic mode runs only recorded choices: no entry "
                  "for '",
                  0),
              0u)
        << e.what();
  }
  EXPECT_THROW(chooseVariant(m.functions[0], nullptr, keyAt(1024), true),
               Error);
  // A function with one variant has nothing to choose.
  EXPECT_EQ(chooseVariant(m.functions[1], nullptr, keyAt(1024), true).variant,
            0u);
}

} // namespace
