//===- TokenizeCommand.cpp - `sieve tokenize` -----------------------------===//
//
// Prepares a description's corpus as `sieve train` would: for a subword
// model, trains the SentencePiece model when its file does not exist and
// encodes every split into the token cache; then reports each split's
// length and, with --show, decodes the start of the validation split.
//
//===----------------------------------------------------------------------===//

#include "models/lm/SubwordCorpus.h"
#include "models/lm/SubwordTokenizer.h"
#include "runtime/Core/Error.h"
#include "tools/sieve/Commands.h"
#include "tools/sieve/ModelSetup.h"

#include <fmt/format.h>

using namespace mlir::sieve::driver;
namespace cl = llvm::cl;
namespace lm = ::sieve::lm;
namespace model = ::sieve::model;

cl::SubCommand mlir::sieve::driver::tokenizeCommand(
    "tokenize", "Train a model description's tokenizer and encode its "
                "corpus into the token cache");

namespace {
cl::opt<std::string> tokenizeModel(cl::Positional, cl::Required,
                                   cl::desc("<model.yaml>"),
                                   cl::sub(tokenizeCommand));
cl::opt<std::string> tokenizeCache("cache-dir",
                                   cl::desc("Cache of encoded splits"),
                                   cl::value_desc("dir"), cl::init(""),
                                   cl::sub(tokenizeCommand));
cl::opt<int64_t>
    tokenizeShow("show",
                 cl::desc("Decode this many tokens of the validation split"),
                 cl::init(0), cl::sub(tokenizeCommand));
} // namespace

int mlir::sieve::driver::runTokenizeCommand() {
  std::optional<model::ModelDescription> d = readDescription(tokenizeModel);
  if (!d)
    return 1;
  try {
    lm::Corpus corpus = loadCorpus(*d, tokenizeCache);
    bool subword = d->tokenizer.kind == model::TokenizerKind::SentencePiece;
    fmt::print("{}: {}\n", d->name,
               subword
                   ? fmt::format("SentencePiece model {} ({} pieces)",
                                 lm::tokenizerPath(*d), d->tokenizer.vocabSize)
                   : std::string("bytes of ") + corpus.source);
    for (auto [name, split] : {std::pair{"train", &corpus.train},
                               {"valid", &corpus.valid},
                               {"test", &corpus.test}})
      fmt::print("  {:<5} {:>12} tokens\n", name, split->size());
    if (tokenizeShow > 0 && subword) {
      lm::SubwordTokenizer tokenizer(lm::tokenizerPath(*d),
                                     d->tokenizer.vocabSize);
      size_t count = std::min<size_t>(tokenizeShow, corpus.valid.size());
      std::vector<int32_t> start(corpus.valid.begin(),
                                 corpus.valid.begin() + count);
      fmt::print("the first {} tokens of valid: {}\n", count,
                 tokenizer.decode(start));
    }
  } catch (const ::sieve::runtime::Error &error) {
    fmt::print(stderr, "sieve tokenize: error: {}\n", error.what());
    return 1;
  }
  return 0;
}
