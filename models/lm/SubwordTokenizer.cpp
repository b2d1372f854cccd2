//===- SubwordTokenizer.cpp - SentencePiece models, trained and applied ---===//

#include "models/lm/SubwordTokenizer.h"

#include "runtime/Core/Error.h"
#include "runtime/Core/Sha256.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace sieve;
using namespace sieve::lm;

namespace {

/// Feeds SentencePiece's trainer the paragraphs of a TextSource. An error
/// of the source ends the iteration and is rethrown after training.
class ParagraphIterator : public sentencepiece::SentenceIterator {
public:
  ParagraphIterator(TextSource &source, int64_t maxLines)
      : source(source), maxLines(maxLines) {
    Next();
  }
  bool done() const override { return finished; }
  const std::string &value() const override { return paragraph; }
  sentencepiece::util::Status status() const override {
    return error.empty()
               ? sentencepiece::util::Status()
               : sentencepiece::util::Status(
                     sentencepiece::util::StatusCode::kDataLoss, error);
  }
  void Next() override {
    try {
      while (lines < maxLines) {
        if (pending.empty() || offset >= pending.size()) {
          if (!source.next(pending)) {
            finished = true;
            return;
          }
          offset = 0;
        }
        size_t end = pending.find('\n', offset);
        if (end == std::string::npos)
          end = pending.size();
        paragraph = pending.substr(offset, end - offset);
        offset = end + 1;
        if (paragraph.find_first_not_of(" \t\r") != std::string::npos) {
          ++lines;
          return;
        }
      }
    } catch (const runtime::Error &e) {
      error = e.what();
    }
    finished = true;
  }
  const std::string &failure() const { return error; }
  int64_t count() const { return lines; }

private:
  TextSource &source;
  int64_t maxLines, lines = 0;
  std::string pending, paragraph, error;
  size_t offset = 0;
  bool finished = false;
};

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  return data.str();
}

} // namespace

SubwordTokenizer::SubwordTokenizer(const std::string &path,
                                   int64_t expectedVocab)
    : processor(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
  if (!std::filesystem::exists(path))
    throw runtime::Error("SentencePiece model " + path + " does not exist");
  std::string bytes = readFile(path);
  sentencepiece::util::Status status =
      processor->LoadFromSerializedProto(bytes);
  if (!status.ok())
    throw runtime::Error(path + " is not a SentencePiece model (" +
                         status.ToString() + ")");
  if (processor->GetPieceSize() != expectedVocab)
    throw runtime::Error(path + " has " +
                         std::to_string(processor->GetPieceSize()) +
                         " pieces but the description's vocab_size is " +
                         std::to_string(expectedVocab) +
                         " (delete the file to train a new one)");
  if (processor->eos_id() < 0)
    throw runtime::Error(path + " has no end-of-sentence piece");
  endOfSentence = processor->eos_id();
  sha256 = runtime::sha256Hex(bytes);
}

SubwordTokenizer::~SubwordTokenizer() = default;

void SubwordTokenizer::train(TextSource &source, const std::string &path,
                             int64_t vocabSize, int64_t maxLines) {
  std::filesystem::path target(path);
  if (target.has_parent_path())
    std::filesystem::create_directories(target.parent_path());
  // The prefix is recorded in the model: a fixed one keeps the file a
  // function of the corpus alone (the final rename stays atomic).
  std::string prefix = path + ".training";
  ParagraphIterator paragraphs(source, maxLines);
  // Sampling and shuffling follow a fixed seed: the same corpus gives the
  // same model.
  sentencepiece::SetRandomGeneratorSeed(1);
  sentencepiece::util::Status status =
      sentencepiece::SentencePieceTrainer::Train(
          {{"model_prefix", prefix},
           {"vocab_size", std::to_string(vocabSize)},
           {"model_type", "unigram"},
           {"character_coverage", "1.0"},
           {"input_sentence_size", std::to_string(maxLines)},
           {"shuffle_input_sentence", "true"},
           {"max_sentence_length", "65536"},
           {"num_threads",
            std::to_string(std::max(1u, std::thread::hardware_concurrency()))},
           {"minloglevel", "1"}},
          &paragraphs);
  std::filesystem::remove(prefix + ".vocab");
  if (!paragraphs.failure().empty()) {
    std::filesystem::remove(prefix + ".model");
    throw runtime::Error(paragraphs.failure());
  }
  if (!status.ok()) {
    std::filesystem::remove(prefix + ".model");
    throw runtime::Error("training the SentencePiece model " + path +
                         " failed: " + status.ToString());
  }
  std::filesystem::rename(prefix + ".model", path);
}

void SubwordTokenizer::encode(const std::string &text,
                              std::vector<int32_t> &ids) const {
  std::vector<int> pieces;
  sentencepiece::util::Status status = processor->Encode(text, &pieces);
  if (!status.ok())
    throw runtime::Error("SentencePiece could not encode a text: " +
                         status.ToString());
  ids.insert(ids.end(), pieces.begin(), pieces.end());
  ids.push_back(endOfSentence);
}

std::string SubwordTokenizer::decode(const std::vector<int32_t> &ids) const {
  std::vector<int> pieces(ids.begin(), ids.end());
  std::string text;
  processor->Decode(pieces, &text);
  return text;
}

int64_t SubwordTokenizer::vocabSize() const {
  return processor->GetPieceSize();
}
