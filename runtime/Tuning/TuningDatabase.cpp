//===- TuningDatabase.cpp - tuned tile variants, persisted -----------------===//

#include "runtime/Tuning/TuningDatabase.h"

#include "runtime/Core/Error.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <unistd.h>

using namespace sieve::runtime;
using json = nlohmann::json;

namespace {

constexpr const char *kFormat = "sieve-tuning-database";
constexpr int kVersion = 1;

/// Reads typed fields of one JSON object, naming it in errors.
class Fields {
public:
  Fields(const json &object, std::string where)
      : object_(object), where_(std::move(where)) {
    if (!object_.is_object())
      fail("is not an object");
  }
  const json &at(const char *name) const {
    auto found = object_.find(name);
    if (found == object_.end())
      fail(std::string("has no field '") + name + "'");
    return *found;
  }
  std::string string(const char *name) const {
    const json &value = at(name);
    if (!value.is_string() || value.get<std::string>().empty())
      fail(std::string("field '") + name + "' must be a non-empty string");
    return value.get<std::string>();
  }
  int64_t integer(const char *name, int64_t least) const {
    const json &value = at(name);
    if (!value.is_number_integer() || value.get<int64_t>() < least)
      fail(std::string("field '") + name + "' must be an integer of at least " +
           std::to_string(least));
    return value.get<int64_t>();
  }
  [[noreturn]] void fail(const std::string &what) const {
    throw Error(where_ + " " + what);
  }

private:
  const json &object_;
  std::string where_;
};

TunedChoice parseChoice(const Fields &fields, const std::string &where) {
  TunedChoice choice;
  choice.tiles = fields.string("tiles");
  choice.repetitions = static_cast<int>(fields.integer("repetitions", 1));
  const json &times = fields.at("median_ms");
  if (!times.is_object() || times.empty())
    fields.fail("field 'median_ms' must map each candidate's tiles to its "
                "time");
  for (auto [tiles, ms] : times.items()) {
    if (!ms.is_number() || !std::isfinite(ms.get<double>()) ||
        ms.get<double>() < 0)
      throw Error(where + " field 'median_ms' of '" + tiles +
                  "' must be a non-negative number of milliseconds");
    choice.medianMs[tiles] = ms.get<double>();
  }
  if (!choice.medianMs.count(choice.tiles))
    fields.fail("chose '" + choice.tiles +
                "', which is not among the candidates it timed");
  return choice;
}

} // namespace

TuningDatabase TuningDatabase::fromJson(const std::string &text,
                                        const std::string &where) {
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded())
    throw Error(where + ": not valid JSON (a corrupt tuning database; "
                        "remove it or run sieve tune again)");
  Fields top(document, where + ":");
  if (top.string("format") != kFormat)
    top.fail("is not a tuning database (format '" + top.string("format") +
             "')");
  if (top.integer("version", 0) != kVersion)
    top.fail("has version " + std::to_string(top.integer("version", 0)) +
             "; this runtime reads version " + std::to_string(kVersion));
  const json &entries = top.at("entries");
  if (!entries.is_array())
    top.fail("field 'entries' must be an array");
  TuningDatabase database;
  for (size_t i = 0; i < entries.size(); ++i) {
    std::string at = where + ": entries[" + std::to_string(i) + "]";
    Fields fields(entries[i], at);
    TuningKey key;
    key.device.name = fields.string("gpu");
    key.device.computeCapability =
        static_cast<int>(fields.integer("compute_capability", 1));
    key.device.driverVersion = static_cast<int>(fields.integer("driver", 1));
    key.kernel = fields.string("kernel");
    key.tokenBucket = fields.integer("token_bucket", 1);
    if (key.tokenBucket != tokenBucket(key.tokenBucket))
      fields.fail("field 'token_bucket' must be a power of two");
    if (database.find(key))
      fields.fail("repeats the key of an earlier entry: " + key.describe());
    database.entries_.emplace_back(key, parseChoice(fields, at));
  }
  return database;
}

std::string TuningDatabase::toJson() const {
  json entries = json::array();
  for (const auto &[key, choice] : entries_) {
    json times = json::object();
    for (const auto &[tiles, ms] : choice.medianMs)
      times[tiles] = ms;
    entries.push_back({{"gpu", key.device.name},
                       {"compute_capability", key.device.computeCapability},
                       {"driver", key.device.driverVersion},
                       {"kernel", key.kernel},
                       {"token_bucket", key.tokenBucket},
                       {"tiles", choice.tiles},
                       {"repetitions", choice.repetitions},
                       {"median_ms", times}});
  }
  json document = {
      {"format", kFormat}, {"version", kVersion}, {"entries", entries}};
  return document.dump(2) + "\n";
}

TuningDatabase TuningDatabase::load(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT)
      return TuningDatabase();
    throw Error(path + ": cannot read the tuning database: " +
                std::strerror(errno));
  }
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  return fromJson(text, path);
}

void TuningDatabase::save(const std::string &path) const {
  std::string text = toJson();
  std::string temporary = path + ".tmp." + std::to_string(getpid());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    throw Error(path + ": cannot write the tuning database (" + temporary +
                "): " + std::strerror(errno));
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    written += static_cast<size_t>(n);
  }
  int error = written == text.size() ? 0 : (errno ? errno : EIO);
  if (!error && ::fsync(fd) != 0)
    error = errno;
  if (::close(fd) != 0 && !error)
    error = errno;
  if (!error && std::rename(temporary.c_str(), path.c_str()) != 0)
    error = errno;
  if (error) {
    std::remove(temporary.c_str());
    throw Error(path + ": cannot write the tuning database: " +
                std::strerror(error) + " (the previous file is unchanged)");
  }
}

const TunedChoice *TuningDatabase::find(const TuningKey &key) const {
  for (const auto &[entryKey, choice] : entries_)
    if (entryKey == key)
      return &choice;
  return nullptr;
}

void TuningDatabase::record(const TuningKey &key, TunedChoice choice) {
  for (auto &[entryKey, existing] : entries_)
    if (entryKey == key) {
      existing = std::move(choice);
      return;
    }
  entries_.emplace_back(key, std::move(choice));
}
