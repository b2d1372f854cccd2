//===- SubwordCorpus.cpp - subword corpora, tokenized once and cached -----===//

#include "models/lm/SubwordCorpus.h"

#include "models/lm/SubwordTokenizer.h"
#include "runtime/Core/Error.h"
#include "runtime/Core/Sha256.h"

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace sieve;
using namespace sieve::lm;
namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'S', 'I', 'E', 'V', 'E', 'T', 'O', 'K'};

TextFormat textFormat(const model::ModelDescription &d) {
  return d.data.format == model::DataFormat::JsonLines ? TextFormat::JsonLines
                                                       : TextFormat::Lines;
}

/// What an encoded split depends on.
std::string splitKey(const model::ModelDescription &d,
                     const SubwordTokenizer &tokenizer,
                     const std::vector<std::string> &files) {
  std::string key = "sieve-tokens-v1\n" + tokenizer.fingerprint() + "\n" +
                    std::to_string(static_cast<int>(d.data.format)) + "\n" +
                    d.data.textField + "\n" + std::to_string(d.data.limit);
  for (const std::string &file : files) {
    std::error_code error;
    fs::path absolute = fs::absolute(file, error);
    auto size = fs::file_size(file, error);
    auto time = fs::last_write_time(file, error).time_since_epoch().count();
    key += "\n" + absolute.string() + " " + std::to_string(size) + " " +
           std::to_string(time);
  }
  return runtime::sha256Hex(key);
}

/// The token file's ids, or nothing (with the reason) when it is damaged.
std::optional<std::vector<int32_t>> readTokens(const std::string &path,
                                               std::string &problem) {
  std::ifstream in(path, std::ios::binary);
  char magic[8];
  uint64_t count = 0;
  char digest[64];
  if (!in.read(magic, 8) || std::memcmp(magic, kMagic, 8) != 0 ||
      !in.read(reinterpret_cast<char *>(&count), 8) || !in.read(digest, 64) ||
      count > (uint64_t(1) << 40)) {
    problem = "not a Sieve token file";
    return std::nullopt;
  }
  std::vector<int32_t> ids(count);
  if (!in.read(reinterpret_cast<char *>(ids.data()), count * 4) ||
      in.peek() != EOF) {
    problem = "its length does not match its header";
    return std::nullopt;
  }
  if (runtime::sha256Hex(ids.data(), count * 4) != std::string(digest, 64)) {
    problem = "its data does not match the SHA-256 in its header";
    return std::nullopt;
  }
  return ids;
}

/// Writes `ids` to `path` atomically.
void writeTokens(const std::string &path, const std::vector<int32_t> &ids) {
  fs::create_directories(fs::path(path).parent_path());
  std::string temporary = path + ".tmp-" + std::to_string(getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    uint64_t count = ids.size();
    std::string digest = runtime::sha256Hex(ids.data(), count * 4);
    out.write(kMagic, 8);
    out.write(reinterpret_cast<const char *>(&count), 8);
    out.write(digest.data(), 64);
    out.write(reinterpret_cast<const char *>(ids.data()), count * 4);
    if (!out.flush())
      throw runtime::Error("cannot write " + temporary);
  }
  fs::rename(temporary, path);
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

} // namespace

std::string sieve::lm::tokenizerPath(const model::ModelDescription &d) {
  return model::resolvePath(d, d.tokenizer.model);
}

SplitFiles sieve::lm::splitFiles(const model::ModelDescription &d) {
  SplitFiles files;
  if (d.data.format == model::DataFormat::WikiText103) {
    std::string folder = model::resolvePath(d, d.data.path);
    for (auto [split, list] :
         {std::pair<const char *, std::vector<std::string> *>{"train",
                                                              &files.train},
          {"valid", &files.valid},
          {"test", &files.test}}) {
      std::string file = folder + "/wiki." + split + ".tokens";
      if (!fs::exists(file))
        throw runtime::Error("WikiText-103 folder " + folder + " has no wiki." +
                             split + ".tokens (data.path in " + d.file + ")");
      list->push_back(file);
    }
    return files;
  }
  for (auto [from, to] : {std::pair{&d.data.train, &files.train},
                          {&d.data.valid, &files.valid},
                          {&d.data.test, &files.test}})
    for (const std::string &file : *from)
      to->push_back(model::resolvePath(d, file));
  return files;
}

Corpus sieve::lm::loadSubwordCorpus(const model::ModelDescription &d,
                                    const std::string &cacheDirectory,
                                    std::ostream &log) {
  if (d.tokenizer.kind != model::TokenizerKind::SentencePiece)
    throw runtime::Error(d.file + ": not a sentencepiece model");
  SplitFiles files = splitFiles(d);
  std::string modelPath = tokenizerPath(d);
  if (!fs::exists(modelPath)) {
    log << "training a " << d.tokenizer.vocabSize
        << "-piece SentencePiece model on at most " << d.tokenizer.trainingLines
        << " lines of the training split -> " << modelPath << "\n"
        << std::flush;
    auto start = std::chrono::steady_clock::now();
    TextSource source(files.train, textFormat(d), d.data.textField,
                      d.data.limit);
    SubwordTokenizer::train(source, modelPath, d.tokenizer.vocabSize,
                            d.tokenizer.trainingLines);
    log << "trained " << modelPath << " in " << secondsSince(start) << " s\n";
  }
  SubwordTokenizer tokenizer(modelPath, d.tokenizer.vocabSize);

  Corpus corpus;
  corpus.source = files.train.empty() ? d.file : files.train.front();
  for (auto [name, list, ids] :
       {std::tuple{"train", &files.train, &corpus.train},
        std::tuple{"valid", &files.valid, &corpus.valid},
        std::tuple{"test", &files.test, &corpus.test}}) {
    if (list->empty())
      continue;
    std::string path =
        cacheDirectory + "/tokens/" + splitKey(d, tokenizer, *list) + ".tokens";
    if (fs::exists(path)) {
      std::string problem;
      if (auto cached = readTokens(path, problem)) {
        *ids = std::move(*cached);
        continue;
      }
      log << "note: the token file " << path << " is damaged (" << problem
          << "); encoding the " << name << " split again\n";
    }
    auto start = std::chrono::steady_clock::now();
    TextSource source(*list, textFormat(d), d.data.textField, d.data.limit);
    std::string text;
    while (source.next(text))
      tokenizer.encode(text, *ids);
    writeTokens(path, *ids);
    log << "encoded the " << name << " split: " << source.bytesRead()
        << " bytes -> " << ids->size() << " tokens in " << secondsSince(start)
        << " s (" << path << ")\n";
  }
  return corpus;
}
