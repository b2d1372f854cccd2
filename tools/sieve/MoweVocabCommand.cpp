//===- MoweVocabCommand.cpp - `sieve mowe-vocab` --------------------------===//
//
// Builds a MoWE routing vocabulary (models/lm/RoutingVocabulary.h) from a
// list of knowledge-rich names and a corpus, writes it, and reports what
// it holds: how many words, how much of the corpus they route, the
// frequency buckets a model description would put them in, and how fast
// the router tokenises the corpus. With a model description, the names,
// the size and the corpus are the description's.
//
//===----------------------------------------------------------------------===//

#include "models/lm/MoweData.h"
#include "models/lm/RoutingVocabulary.h"
#include "models/lm/WordRouter.h"
#include "runtime/Core/Error.h"
#include "tools/sieve/Commands.h"
#include "tools/sieve/ModelSetup.h"

#include <fmt/format.h>

#include <chrono>

using namespace mlir::sieve::driver;
namespace cl = llvm::cl;
namespace lm = ::sieve::lm;
namespace model = ::sieve::model;

cl::SubCommand mlir::sieve::driver::moweVocabCommand(
    "mowe-vocab", "Build a MoWE routing vocabulary from knowledge-rich names "
                  "and corpus frequencies (MoWE paper Sec. 2.4)");

namespace {

cl::opt<std::string> vocabModel(cl::Positional, cl::init(""),
                                cl::desc("[model.yaml]"),
                                cl::sub(moweVocabCommand));
cl::opt<std::string>
    vocabWords("words",
               cl::desc("The names: gcide-headwords (dict-gcide's index) "
                        "or a file, one name per line"),
               cl::init("gcide-headwords"), cl::sub(moweVocabCommand));
cl::opt<std::string> vocabCorpus("corpus",
                                 cl::desc("Corpus whose training split "
                                          "orders the words: gcide or a file"),
                                 cl::init("gcide"), cl::sub(moweVocabCommand));
cl::opt<int64_t> vocabLimit("limit",
                            cl::desc("Read only the corpus's first N bytes"),
                            cl::init(8000000), cl::sub(moweVocabCommand));
cl::opt<int64_t> vocabSize("size",
                           cl::desc("Words to keep, up to 1,000,000 (the 256 "
                                    "bytes are added)"),
                           cl::init(7936), cl::sub(moweVocabCommand));
cl::opt<int64_t> vocabMaxMatch("max-match",
                               cl::desc("Longest token sequence matched"),
                               cl::init(8), cl::sub(moweVocabCommand));
cl::opt<int64_t> vocabShow("show", cl::desc("Entries listed at each end"),
                           cl::init(12), cl::sub(moweVocabCommand));
cl::opt<std::string> vocabOut("o", cl::desc("Output file"),
                              cl::value_desc("file"), cl::Required,
                              cl::sub(moweVocabCommand));

} // namespace

int mlir::sieve::driver::runMoweVocabCommand() {
  try {
    std::string words = vocabWords, corpusName = vocabCorpus;
    int64_t size = vocabSize, maxMatch = vocabMaxMatch, limit = vocabLimit;
    std::optional<model::ModelDescription> d;
    if (!vocabModel.empty()) {
      d = readDescription(vocabModel);
      if (!d)
        return 1;
      const model::MoweFfnConfig &block = lm::moweBlock(*d);
      words = d->routing.words == "gcide-headwords"
                  ? d->routing.words
                  : model::resolvePath(*d, d->routing.words);
      size = block.routingVocabSize - 256;
      maxMatch = d->routing.maxMatch;
    }
    if (size < 1 || size > 1000000)
      throw ::sieve::runtime::Error(
          "--size must be 1 to 1,000,000 words, not " + std::to_string(size));
    lm::Corpus corpus =
        d ? loadCorpus(*d, "")
          : lm::loadByteCorpus(corpusName, std::max<int64_t>(limit, 0));
    lm::RoutingVocabularyReport report;
    lm::RoutingVocabulary vocabulary = lm::buildRoutingVocabulary(
        lm::readRoutingNames(words), corpus.train, size, maxMatch,
        words + " by frequency in the training split of " + corpus.source,
        &report);
    vocabulary.save(vocabOut);

    fmt::print("{}: {} entries = {} words + 256 bytes\n", vocabOut.getValue(),
               vocabulary.size(), report.words);
    fmt::print("  names {}, distinct words {}, longer than {} letters {}, "
               "reachable and in the corpus {}\n",
               report.names, report.candidates, maxMatch - 1, report.tooLong,
               report.inCorpus);
    fmt::print("  words route {:.1f}% of the {} training tokens\n",
               100.0 * double(report.routedByWords) /
                   double(std::max<int64_t>(report.corpusTokens, 1)),
               report.corpusTokens);
    lm::WordRouter router(vocabulary);
    auto start = std::chrono::steady_clock::now();
    std::vector<int32_t> ids = router.route(corpus.valid);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    fmt::print("  routing throughput {:.1f} M tokens/s ({} validation tokens "
               "in {:.3f} s, one thread)\n",
               double(ids.size()) / std::max(seconds, 1e-9) / 1e6, ids.size(),
               seconds);
    if (d) {
      const model::MoweFfnConfig &block = lm::moweBlock(*d);
      std::vector<double> shares = lm::bucketTokenShares(block, vocabulary);
      fmt::print("  {}: unrouted {:.1f}% of the tokens", d->name,
                 100 * shares[0]);
      for (size_t b = 1; b < shares.size(); ++b)
        fmt::print(", bucket {} {:.1f}%", b, 100 * shares[b]);
      fmt::print("; mean expert width {:.2f}\n",
                 lm::meanActiveWidth(block, vocabulary));
    }
    auto show = [&](int64_t id) {
      const lm::RoutingEntry &e = vocabulary.entries[id];
      fmt::print("  {:>7}  {:>9}  {}\n", id, e.count,
                 lm::RoutingVocabulary::display(e));
    };
    fmt::print("  id       routes     entry\n");
    int64_t shown = std::min<int64_t>(vocabShow, vocabulary.size() / 2);
    for (int64_t id = 0; id < shown; ++id)
      show(id);
    if (shown > 0)
      fmt::print("  ...\n");
    int64_t lastWord = vocabulary.size() - 1;
    while (lastWord > 0 &&
           vocabulary.entries[lastWord].kind != lm::RoutingEntry::Kind::Word)
      --lastWord;
    for (int64_t id = std::max<int64_t>(shown, lastWord - shown + 1);
         id <= lastWord; ++id)
      show(id);
  } catch (const ::sieve::runtime::Error &error) {
    fmt::print(stderr, "sieve mowe-vocab: error: {}\n", error.what());
    return 1;
  }
  return 0;
}
