//===- RoutingTest.cpp - MoWE routing vocabulary and longest-match routing ===//

#include "models/lm/MoweData.h"
#include "models/lm/RoutingVocabulary.h"
#include "models/lm/WordRouter.h"
#include "runtime/Core/Error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

using namespace sieve;
using namespace sieve::lm;

namespace {

std::vector<int32_t> bytesOf(const std::string &text) {
  return std::vector<int32_t>(text.begin(), text.end());
}

/// A vocabulary of `words` (in id order) plus the 256 bytes, unnumbered by
/// frequency: what the router sees.
RoutingVocabulary vocabularyOf(const std::vector<std::string> &words,
                               int64_t maxMatch = 8) {
  RoutingVocabulary v;
  v.maxMatch = maxMatch;
  for (const std::string &w : words)
    v.entries.push_back({RoutingEntry::Kind::Word, w, 0, 0});
  for (int32_t b = 0; b < 256; ++b)
    v.entries.push_back({RoutingEntry::Kind::Token, "", b, 0});
  return v;
}

int32_t byteId(const std::vector<std::string> &words, int32_t b) {
  return static_cast<int32_t>(words.size()) + b;
}

/// The rule of WordRouter.h written out plainly: normalise every
/// sub-sequence of length 1..max ending at i, look it up in a std::map.
std::vector<int32_t> referenceRoute(const RoutingVocabulary &v,
                                    const std::vector<int32_t> &tokens) {
  std::map<std::vector<int32_t>, int32_t> table;
  for (size_t id = 0; id < v.entries.size(); ++id)
    table[v.keyOf(v.entries[id])] = static_cast<int32_t>(id);
  auto lower = [](int32_t t) { return t >= 'A' && t <= 'Z' ? t + 32 : t; };
  std::vector<int32_t> ids;
  for (int64_t i = 0; i < static_cast<int64_t>(tokens.size()); ++i) {
    int32_t best = -1;
    for (int64_t k = 1; k <= v.maxMatch && k <= i + 1; ++k) {
      std::vector<int32_t> key;
      for (int64_t j = i - k + 1; j <= i; ++j)
        key.push_back(lower(tokens[j]));
      if (k == 1)
        key[0] = tokens[i];
      else if (isSeparatorByte(tokens[i - k + 1]))
        key[0] = ' ';
      auto it = table.find(key);
      if (it != table.end())
        best = it->second;
    }
    ids.push_back(best);
  }
  return ids;
}

} // namespace

TEST(RoutingVocabulary, SplitsNamesIntoLowerCaseWords) {
  EXPECT_EQ(splitWords("Alan M. Turing (1912-1954), o'Neil\tx"),
            (std::vector<std::string>{"alan", "m", "turing", "1912", "1954",
                                      "o", "neil", "x"}));
  EXPECT_EQ(splitWords("caf\xc3\xa9 au lait"),
            (std::vector<std::string>{"caf\xc3\xa9", "au", "lait"}));
  EXPECT_TRUE(splitWords(" ,;- ").empty());
}

TEST(WordRouter, TakesTheLongestMatch) {
  std::vector<std::string> words = {"t", "th", "the", "then", "cat"};
  WordRouter router(vocabularyOf(words));
  std::vector<int32_t> ids = router.route(bytesOf(" then"));
  // ' ' alone, then " t", " th", " the", " then".
  EXPECT_EQ(ids, (std::vector<int32_t>{byteId(words, ' '), 0, 1, 2, 3}));
  // After a separator other than a space, and in another case.
  ids = router.route(bytesOf("(THE"));
  EXPECT_EQ(ids[3], 2);
  // Inside a word nothing but the byte matches: "at" is no word start.
  ids = router.route(bytesOf(" bat"));
  EXPECT_EQ(ids[3], byteId(words, 't'));
}

TEST(WordRouter, UnknownWordsGetTheirBytes) {
  std::vector<std::string> words = {"dog"};
  WordRouter router(vocabularyOf(words));
  std::vector<int32_t> ids = router.route(bytesOf(" zebra!"));
  for (size_t i = 0; i < ids.size(); ++i)
    EXPECT_EQ(ids[i], byteId(words, " zebra!"[i])) << i;
  // A byte outside the tokenizer's range routes nowhere.
  EXPECT_EQ(router.routeAt(std::vector<int32_t>{' ', 300}.data(), 1), -1);
}

TEST(WordRouter, SequencesLongerThanMaxMatch) {
  // " abcdefg" is 8 tokens: reachable; with max_match 6 its prefix
  // " abcde" (6 tokens) is the longest that can match.
  std::vector<std::string> words = {"abcde", "abcdefg"};
  WordRouter eight(vocabularyOf(words, 8));
  std::vector<int32_t> ids = eight.route(bytesOf(" abcdefg"));
  EXPECT_EQ(ids[5], 0);
  EXPECT_EQ(ids[7], 1);
  // A word of more tokens than max_match cannot be stored.
  EXPECT_THROW(WordRouter(vocabularyOf(words, 6)), runtime::Error);
  // The word at position 10 of a longer text only looks 8 tokens back.
  ids = eight.route(bytesOf("xxxxxxxxxx abcdefg"));
  EXPECT_EQ(ids[17], 1);
  // A longer run of letters ending in the word is not the word.
  ids = eight.route(bytesOf(" zabcdefg"));
  EXPECT_EQ(ids[8], byteId(words, 'g'));
}

TEST(WordRouter, IsCausal) {
  std::vector<std::string> words = {"the", "then", "he", "hen"};
  WordRouter router(vocabularyOf(words));
  std::vector<int32_t> a = bytesOf(" the cat saw then a hen"),
                       b = bytesOf(" the cat saw then a hen");
  for (size_t cut = 0; cut < a.size(); ++cut) {
    std::vector<int32_t> changed = b;
    for (size_t j = cut + 1; j < changed.size(); ++j)
      changed[j] = 'q';
    std::vector<int32_t> ids = router.route(changed), all = router.route(a);
    for (size_t j = 0; j <= cut; ++j)
      ASSERT_EQ(ids[j], all[j]) << "cut " << cut << " position " << j;
  }
}

TEST(WordRouter, RefusesRepeatedKeys) {
  // Two entries with the same key would be a tie the lookup cannot break.
  EXPECT_THROW(WordRouter(vocabularyOf({"cat", "dog", "cat"})), runtime::Error);
}

TEST(WordRouter, AgreesWithAPlainReferenceOnRandomText) {
  std::vector<std::string> words;
  std::mt19937 rng(7);
  for (int n = 0; n < 400; ++n) {
    std::string w;
    int length = 1 + static_cast<int>(rng() % 6);
    for (int j = 0; j < length; ++j)
      w += "abcde"[rng() % 5];
    if (std::find(words.begin(), words.end(), w) == words.end())
      words.push_back(w);
  }
  RoutingVocabulary v = vocabularyOf(words);
  std::vector<int32_t> text;
  const std::string alphabet = "abcdeAB ,.\n";
  for (int i = 0; i < 20000; ++i)
    text.push_back(alphabet[rng() % alphabet.size()]);
  EXPECT_EQ(WordRouter(v).route(text), referenceRoute(v, text));
}

TEST(RoutingVocabulary, BuildsOrdersAndNumbersByFrequency) {
  std::vector<std::string> names = {"The Cat",      "cat", "Dog",  "bird",
                                    "Hippopotamus", "emu", "zebra"};
  std::vector<int32_t> corpus =
      bytesOf(" the cat the dog. the cat; bird bird emu hippopotamus");
  RoutingVocabularyReport report;
  RoutingVocabulary v =
      buildRoutingVocabulary(names, corpus, 4, 8, "test", &report);
  EXPECT_EQ(report.names, 7);
  EXPECT_EQ(report.candidates,
            7);                 // the, cat, dog, bird, hippopotamus, emu, zebra
  EXPECT_EQ(report.tooLong, 1); // hippopotamus: 13 tokens with its space
  EXPECT_EQ(report.inCorpus, 5);
  EXPECT_EQ(report.words, 4);
  ASSERT_EQ(v.size(), 4 + 256);
  // The words kept are the 4 most frequent (the 3, cat 2, bird 2, dog 1
  // before emu 1 alphabetically); zebra (0) is dropped.
  std::map<std::string, int64_t> routes;
  for (const RoutingEntry &e : v.entries)
    if (e.kind == RoutingEntry::Kind::Word)
      routes[e.word] = e.count;
  EXPECT_EQ(routes.size(), 4u);
  EXPECT_EQ(routes.count("emu"), 0u);
  EXPECT_EQ(routes["the"], 3);
  // Ids are numbered by routed tokens, most first, and every byte has one.
  for (size_t id = 1; id < v.entries.size(); ++id)
    EXPECT_GE(v.entries[id - 1].count, v.entries[id].count);
  EXPECT_EQ(v.entries[0].kind, RoutingEntry::Kind::Token);
  EXPECT_EQ(v.entries[0].token, ' ');
  int64_t total = 0;
  for (const RoutingEntry &e : v.entries)
    total += e.count;
  EXPECT_EQ(total, static_cast<int64_t>(corpus.size()));
  // Asking for more words than there are is an error.
  EXPECT_THROW(buildRoutingVocabulary(names, corpus, 7, 8, "test", nullptr),
               runtime::Error);
}

TEST(RoutingVocabulary, SavesAndLoadsAndRejectsDamage) {
  std::string dir = testing::TempDir() + "/routing-vocabulary-test";
  std::filesystem::create_directories(dir);
  std::string path = dir + "/v.tsv";
  RoutingVocabulary v = buildRoutingVocabulary(
      {"cat", "dog"}, bytesOf(" cat dog cat"), 2, 8, "two words", nullptr);
  v.save(path);
  RoutingVocabulary back = RoutingVocabulary::load(path);
  ASSERT_EQ(back.size(), v.size());
  EXPECT_EQ(back.source, "two words");
  for (int64_t id = 0; id < v.size(); ++id) {
    EXPECT_EQ(back.entries[id].word, v.entries[id].word);
    EXPECT_EQ(back.entries[id].token, v.entries[id].token);
    EXPECT_EQ(back.entries[id].count, v.entries[id].count);
  }
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto rejects = [&](const std::string &damaged, const std::string &what) {
    std::ofstream(path, std::ios::trunc) << damaged;
    try {
      RoutingVocabulary::load(path);
      ADD_FAILURE() << "accepted: " << what;
    } catch (const runtime::Error &e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find(path + ":"), std::string::npos);
    }
  };
  rejects(text.substr(0, text.find('\n', text.size() / 2) + 1), "ends early");
  rejects(text.substr(0, text.rfind("# end")), "ends early");
  std::string twice = text;
  twice.replace(twice.find("token\t0\n"), 8, "token\t1\n");
  rejects(twice, "appears twice");
  std::string kind = text;
  kind.replace(kind.find("\tword\t"), 6, "\tverb\t");
  rejects(kind, "neither word nor token");
  rejects("not a vocabulary\n", "not a routing vocabulary");
  EXPECT_THROW(RoutingVocabulary::load(dir + "/missing.tsv"), runtime::Error);
}

TEST(MoweData, BucketSharesAndMeanWidth) {
  // 2 unrouted ids, bucket 1 of 2 ids (G 8), bucket 2 of the rest (G 2).
  model::MoweFfnConfig block{16, 6, 2, {{2, 1, 2, 8}, {2, 1, 1, 2}}};
  RoutingVocabulary v;
  for (int64_t count : {40, 20, 20, 10, 6, 4})
    v.entries.push_back({RoutingEntry::Kind::Token, "", 0, count});
  std::vector<double> shares = bucketTokenShares(block, v);
  ASSERT_EQ(shares.size(), 3u);
  EXPECT_DOUBLE_EQ(shares[0], 0.6);
  EXPECT_DOUBLE_EQ(shares[1], 0.3);
  EXPECT_DOUBLE_EQ(shares[2], 0.1);
  EXPECT_DOUBLE_EQ(meanActiveWidth(block, v), 0.3 * 8 + 0.1 * 2);
}
