//===- RoutingVocabulary.cpp - MoWE's knowledge-rich routing vocabulary ---===//

#include "models/lm/RoutingVocabulary.h"

#include "models/lm/WordRouter.h"
#include "runtime/Core/Error.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numeric>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

using namespace sieve;
using namespace sieve::lm;

namespace {

constexpr const char *kMagic = "# sieve routing vocabulary 1";

char lowerByte(char c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

/// Calls `word` with every lower-cased word of `bytes` (values 0..255).
template <typename Bytes, typename Visit>
void forEachWord(const Bytes &bytes, size_t size, Visit word) {
  std::string current;
  for (size_t i = 0; i <= size; ++i) {
    int32_t b = i < size
                    ? static_cast<int32_t>(static_cast<unsigned char>(bytes[i]))
                    : int32_t(' ');
    if (isSeparatorByte(b)) {
      if (!current.empty())
        word(current);
      current.clear();
    } else {
      current += lowerByte(static_cast<char>(b));
    }
  }
}

bool isWord(const std::string &word) {
  if (word.empty())
    return false;
  for (char c : word) {
    int32_t b = static_cast<unsigned char>(c);
    if (isSeparatorByte(b) || (c >= 'A' && c <= 'Z'))
      return false;
  }
  return true;
}

} // namespace

std::vector<std::string> sieve::lm::splitWords(std::string_view text) {
  std::vector<std::string> words;
  forEachWord(text, text.size(),
              [&](const std::string &word) { words.push_back(word); });
  return words;
}

std::vector<int32_t> RoutingVocabulary::keyOf(const RoutingEntry &entry) const {
  if (entry.kind == RoutingEntry::Kind::Token)
    return {entry.token};
  std::vector<int32_t> key = {int32_t(' ')};
  for (char c : entry.word)
    key.push_back(static_cast<unsigned char>(c));
  return key;
}

std::string RoutingVocabulary::display(const RoutingEntry &entry) {
  if (entry.kind == RoutingEntry::Kind::Word)
    return "\"" + entry.word + "\"";
  int32_t b = entry.token;
  if (b > ' ' && b < 127)
    return std::string("'") + static_cast<char>(b) + "'";
  char text[16];
  std::snprintf(text, sizeof text, "byte 0x%02x", b);
  return text;
}

void RoutingVocabulary::save(const std::string &path) const {
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    if (!out)
      throw runtime::Error("cannot write " + temporary);
    out << kMagic << "\n# max_match " << maxMatch << "\n# source " << source
        << "\n# entries " << entries.size()
        << "\n# id\troutes\tkind\tword or byte\n";
    for (size_t id = 0; id < entries.size(); ++id) {
      const RoutingEntry &e = entries[id];
      out << id << '\t' << e.count << '\t'
          << (e.kind == RoutingEntry::Kind::Word
                  ? "word\t" + e.word
                  : "token\t" + std::to_string(e.token))
          << '\n';
    }
    out << "# end\n";
    if (!out.flush())
      throw runtime::Error("cannot write " + temporary);
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error)
    throw runtime::Error("cannot write " + path + ": " + error.message());
}

RoutingVocabulary RoutingVocabulary::load(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    throw runtime::Error("cannot read the routing vocabulary " + path);
  int64_t lineNumber = 0;
  std::string line;
  auto fail = [&](const std::string &what) -> runtime::Error {
    return runtime::Error(path + ":" + std::to_string(lineNumber) +
                          ": routing vocabulary: " + what);
  };
  auto next = [&]() {
    if (!std::getline(in, line))
      throw fail("the file ends early (truncated?)");
    ++lineNumber;
  };
  auto header = [&](const std::string &key) {
    next();
    if (line.rfind("# " + key + " ", 0) != 0)
      throw fail("expected '# " + key + " ...'");
    return line.substr(key.size() + 3);
  };
  RoutingVocabulary vocabulary;
  next();
  if (line != kMagic)
    throw fail(std::string("not a routing vocabulary (expected '") + kMagic +
               "')");
  int64_t entryCount = 0;
  try {
    vocabulary.maxMatch = std::stoll(header("max_match"));
    vocabulary.source = header("source");
    entryCount = std::stoll(header("entries"));
  } catch (const std::logic_error &) {
    throw fail("a header value is not a number");
  }
  if (vocabulary.maxMatch < 2 || vocabulary.maxMatch > 64)
    throw fail("max_match must be 2 to 64");
  next(); // the column names
  std::vector<bool> tokens(256, false);
  for (int64_t id = 0; id < entryCount; ++id) {
    next();
    std::istringstream fields(line);
    std::string idText, countText, kind, value;
    if (!std::getline(fields, idText, '\t') ||
        !std::getline(fields, countText, '\t') ||
        !std::getline(fields, kind, '\t') || !std::getline(fields, value))
      throw fail("expected 'id<TAB>routes<TAB>kind<TAB>word or byte'");
    RoutingEntry entry;
    try {
      if (std::stoll(idText) != id)
        throw fail("expected id " + std::to_string(id));
      entry.count = std::stoll(countText);
    } catch (const std::logic_error &) {
      throw fail("the id or the count is not a number");
    }
    if (kind == "word") {
      entry.kind = RoutingEntry::Kind::Word;
      entry.word = value;
      if (!isWord(value))
        throw fail("'" + value + "' is not a lower-case word");
      if (static_cast<int64_t>(value.size()) + 1 > vocabulary.maxMatch)
        throw fail("'" + value + "' is longer than a match can reach");
    } else if (kind == "token") {
      int32_t token = -1;
      try {
        token = std::stoi(value);
      } catch (const std::logic_error &) {
      }
      if (token < 0 || token > 255)
        throw fail("token '" + value + "' is not a byte (0..255)");
      if (tokens[token])
        throw fail("token " + value + " appears twice");
      tokens[token] = true;
      entry.token = token;
    } else {
      throw fail("kind '" + kind + "' is neither word nor token");
    }
    vocabulary.entries.push_back(std::move(entry));
  }
  next();
  if (line != "# end")
    throw fail("expected '# end' after " + std::to_string(entryCount) +
               " entries");
  for (int32_t t = 0; t < 256; ++t)
    if (!tokens[t])
      throw fail("token " + std::to_string(t) +
                 " has no routing id (every byte needs one)");
  // Repeated words are found when the router is built from it.
  std::unordered_set<std::string> words;
  for (const RoutingEntry &e : vocabulary.entries)
    if (e.kind == RoutingEntry::Kind::Word && !words.insert(e.word).second)
      throw fail("the word '" + e.word + "' appears twice");
  return vocabulary;
}

RoutingVocabulary sieve::lm::buildRoutingVocabulary(
    const std::vector<std::string> &names, const std::vector<int32_t> &corpus,
    int64_t words, int64_t maxMatch, std::string source,
    RoutingVocabularyReport *report) {
  RoutingVocabularyReport r;
  if (maxMatch < 2 || maxMatch > 64)
    throw runtime::Error("max_match must be 2 to 64, not " +
                         std::to_string(maxMatch));
  // 1. The distinct lower-cased words of the names.
  std::unordered_map<std::string, int64_t> frequency;
  for (const std::string &name : names) {
    ++r.names;
    forEachWord(name, name.size(),
                [&](const std::string &word) { frequency.emplace(word, 0); });
  }
  r.candidates = static_cast<int64_t>(frequency.size());
  // 2. Their frequency in the corpus.
  forEachWord(corpus, corpus.size(), [&](const std::string &word) {
    auto it = frequency.find(word);
    if (it != frequency.end())
      ++it->second;
  });
  // 3. The top `words` of those a match reaches.
  std::vector<std::pair<std::string, int64_t>> reachable;
  for (const auto &[word, count] : frequency) {
    if (static_cast<int64_t>(word.size()) + 1 > maxMatch) {
      ++r.tooLong;
      continue;
    }
    r.inCorpus += count > 0;
    reachable.push_back({word, count});
  }
  if (static_cast<int64_t>(reachable.size()) < words)
    throw runtime::Error("the names give " + std::to_string(reachable.size()) +
                         " words of at most " + std::to_string(maxMatch - 1) +
                         " letters; " + std::to_string(words) +
                         " were asked for");
  std::sort(
      reachable.begin(), reachable.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      });
  reachable.resize(words);
  r.words = words;

  // 4. The words, then every byte.
  RoutingVocabulary provisional;
  provisional.maxMatch = maxMatch;
  provisional.source = std::move(source);
  for (auto &[word, count] : reachable)
    provisional.entries.push_back(
        {RoutingEntry::Kind::Word, std::move(word), 0, 0});
  for (int32_t b = 0; b < 256; ++b)
    provisional.entries.push_back({RoutingEntry::Kind::Token, "", b, 0});

  // Number the ids by the tokens each routes (ties keep the order above).
  auto start = std::chrono::steady_clock::now();
  std::vector<int32_t> routed = WordRouter(provisional).route(corpus);
  r.routeSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  for (int32_t id : routed)
    if (id >= 0)
      ++provisional.entries[id].count;
  std::vector<size_t> order(provisional.entries.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return provisional.entries[a].count > provisional.entries[b].count;
  });
  RoutingVocabulary vocabulary;
  vocabulary.maxMatch = maxMatch;
  vocabulary.source = provisional.source;
  for (size_t id : order)
    vocabulary.entries.push_back(provisional.entries[id]);
  r.corpusTokens = static_cast<int64_t>(corpus.size());
  for (const RoutingEntry &e : vocabulary.entries)
    if (e.kind == RoutingEntry::Kind::Word)
      r.routedByWords += e.count;
  if (report)
    *report = r;
  return vocabulary;
}

namespace {
/// The names of a file, one per line, each cut at its first tab and kept
/// when `keep` says so; `what` names the file in errors, `hint` says where
/// one comes from.
std::vector<std::string>
readNameLines(const std::string &path, const std::string &what,
              const std::string &hint,
              const std::function<bool(const std::string &)> &keep) {
  std::ifstream in(path);
  if (!in)
    throw sieve::runtime::Error("cannot read " + what + " " + path + " (" +
                                hint + ")");
  std::vector<std::string> names;
  std::string line;
  while (std::getline(in, line)) {
    std::string name = line.substr(0, line.find('\t'));
    if (!name.empty() && keep(name))
      names.push_back(std::move(name));
  }
  if (names.empty())
    throw sieve::runtime::Error(what + " " + path + " has no names");
  return names;
}
} // namespace

std::vector<std::string>
sieve::lm::readDictionaryHeadwords(const std::string &path) {
  // Lines "00-database-..." describe the database, not headwords.
  return readNameLines(path, "the dictionary index",
                       "Debian's dict-gcide installs it; "
                       "tools/scripts/setup-deps.sh installs dict-gcide",
                       [](const std::string &headword) {
                         return headword.rfind("00-", 0) != 0;
                       });
}

std::vector<std::string> sieve::lm::readRoutingNames(const std::string &words) {
  if (words == "gcide-headwords")
    return readDictionaryHeadwords(kGcideIndexPath);
  return readNameLines(
      words, "the routing names",
      "expected 'gcide-headwords' or a file of names, one per line",
      [](const std::string &) { return true; });
}
