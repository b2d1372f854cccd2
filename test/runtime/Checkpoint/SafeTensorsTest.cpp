//===- SafeTensorsTest.cpp - checkpoints in the safetensors format --------===//

#include "runtime/Checkpoint/SafeTensors.h"
#include "runtime/Core/Error.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace sieve::runtime;

namespace {

class SafeTensorsTest : public ::testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/sieve-safetensors-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir = pattern;
    path = dir + "/model.safetensors";
  }
  void TearDown() override {
    std::string command = "rm -rf " + dir;
    (void)std::system(command.c_str());
  }

  void writeSample() {
    Tensor w = Tensor::fromF32({2, 3}, {1, 2, 3, 4, 5, 6});
    Tensor ids = Tensor::fromI32({4}, {7, -1, 0, 3});
    Tensor step(DType::I64, {});
    *step.data<int64_t>() = 1234567890123;
    writeSafeTensors(path, {{"w", &w}, {"ids", &ids}, {"step", &step}},
                     {{"model", "tiny"}});
  }
  std::string bytes() {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void overwrite(const std::string &content) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  }
  std::string errorOf() {
    try {
      readSafeTensors(path);
    } catch (const Error &e) {
      return e.what();
    }
    return "";
  }

  std::string dir, path;
};

TEST_F(SafeTensorsTest, RoundTrip) {
  writeSample();
  SafeTensors file = readSafeTensors(path);
  ASSERT_EQ(file.tensors.size(), 3u);
  const Tensor &w = file.tensors.at("w");
  EXPECT_EQ(w.shape(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(w.data<float>()[5], 6.0f);
  EXPECT_EQ(file.tensors.at("ids").data<int32_t>()[1], -1);
  EXPECT_EQ(*file.tensors.at("step").data<int64_t>(), 1234567890123);
  EXPECT_EQ(file.metadata.at("model"), "tiny");
  EXPECT_EQ(file.metadata.at("sieve.data_sha256").size(), 64u);
  // The layout safetensors readers expect: the 8-byte length, then a JSON
  // header padded with spaces to a multiple of 8.
  std::string content = bytes();
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = (headerSize << 8) | static_cast<unsigned char>(content[i]);
  EXPECT_EQ(headerSize % 8, 0u);
  EXPECT_EQ(content[8], '{');
  EXPECT_EQ(content.size(), 8 + headerSize + 6 * 4 + 4 * 4 + 8);
}

TEST_F(SafeTensorsTest, AWriteReplacesTheFileAtomically) {
  writeSample();
  Tensor w = Tensor::fromF32({1}, {9});
  writeSafeTensors(path, {{"w", &w}});
  EXPECT_EQ(readSafeTensors(path).tensors.at("w").data<float>()[0], 9.0f);
  // No temporary file is left behind.
  std::string command = "test $(ls " + dir + " | wc -l) -eq 1";
  EXPECT_EQ(std::system(command.c_str()), 0);
}

TEST_F(SafeTensorsTest, AFailedWriteLeavesNothingAndSaysWhere) {
  Tensor w = Tensor::fromF32({1}, {9});
  std::string missing = dir + "/no/such/folder/x.safetensors";
  try {
    writeSafeTensors(missing, {{"w", &w}});
    FAIL() << "expected an error";
  } catch (const Error &e) {
    EXPECT_NE(
        std::string(e.what()).find("checkpoint " + missing + ": cannot create"),
        std::string::npos)
        << e.what();
  }
  Tensor a = Tensor::fromF32({1}, {1});
  EXPECT_THROW(writeSafeTensors(path, {{"w", &a}, {"w", &a}}), Error);
}

TEST_F(SafeTensorsTest, CorruptFilesAreRefusedWithTheReason) {
  writeSample();
  std::string good = bytes();
  auto expectError = [&](const std::string &content,
                         const std::string &reason) {
    overwrite(content);
    std::string error = errorOf();
    EXPECT_NE(error.find("checkpoint " + path + " is corrupt"),
              std::string::npos)
        << error;
    EXPECT_NE(error.find(reason), std::string::npos)
        << "expected '" << reason << "' in: " << error;
  };
  expectError(good.substr(0, 5), "fewer than the 8-byte header length");
  expectError(good.substr(0, good.size() - 4),
              "does not match the SHA-256 in its header");
  std::string flipped = good;
  flipped.back() ^= 1;
  expectError(flipped, "does not match the SHA-256");
  std::string huge = good;
  huge[7] = 0x7f;
  expectError(huge, "exceeds the file");
  std::string notJson = good;
  notJson[8] = 'x';
  expectError(notJson, "the header is not valid JSON");
}

TEST_F(SafeTensorsTest, BadHeadersAreRefused) {
  auto file = [&](const std::string &header, size_t dataBytes) {
    std::string padded = header;
    padded.append((8 - padded.size() % 8) % 8, ' ');
    std::string content(8, '\0');
    for (int i = 0; i < 8; ++i)
      content[i] = static_cast<char>((padded.size() >> (8 * i)) & 0xff);
    overwrite(content + padded + std::string(dataBytes, '\0'));
    return errorOf();
  };
  EXPECT_NE(
      file(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 16]}})",
           8)
          .find("tensor 'a' has data_offsets [0, 16] outside the 8 data bytes"),
      std::string::npos);
  EXPECT_NE(
      file(R"({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})",
           8)
          .find("tensor 'a' holds 8 bytes but its shape and dtype need 12"),
      std::string::npos);
  EXPECT_NE(
      file(R"({"a": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}})",
           8)
          .find("tensor 'a' has an unsupported dtype \"F64\""),
      std::string::npos);
  EXPECT_NE(
      file(
          R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
          12)
          .find("two tensors' data overlap"),
      std::string::npos);
  EXPECT_NE(file(R"({"a": {"dtype": "F32"}})", 0)
                .find("tensor 'a' needs dtype, shape and data_offsets"),
            std::string::npos);
  EXPECT_NE(file(R"([1, 2])", 0).find("the header is not a JSON object"),
            std::string::npos);
  EXPECT_NE(errorOf().size(), 0u);
}

TEST_F(SafeTensorsTest, MissingFile) {
  EXPECT_THROW(readSafeTensors(dir + "/absent.safetensors"), Error);
}

} // namespace
