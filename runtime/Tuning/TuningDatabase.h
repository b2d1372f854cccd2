//===- TuningDatabase.h - tuned tile variants, persisted -------------------===//
//
// `sieve tune` records, for each kernel it timed, which of the bundle's
// tile variants was fastest and what every candidate measured; `sieve
// train` and `sieve eval` look the choice up by TuningKey. The file is JSON
// and is replaced atomically (written beside it, then renamed over it), so
// a crash or a full disk never leaves a half-written database, and a
// database that does not parse is reported, never overwritten.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_TUNING_TUNINGDATABASE_H
#define SIEVE_RUNTIME_TUNING_TUNINGDATABASE_H

#include "runtime/Tuning/TuningKey.h"

#include <map>
#include <string>
#include <vector>

namespace sieve::runtime {

/// One kernel's measured choice.
struct TunedChoice {
  /// The chosen variant's tiles (VariantSpec::tiles).
  std::string tiles;
  /// Median time of each candidate timed, by tiles, in milliseconds.
  std::map<std::string, double> medianMs;
  /// Timed repetitions per candidate (after warm-up).
  int repetitions = 0;
};

class TuningDatabase {
public:
  /// The database in `path`; empty where the file does not exist. Throws
  /// Error naming the file and the entry for one that does not parse.
  static TuningDatabase load(const std::string &path);
  /// Writes the database to `path` atomically; throws Error (leaving any
  /// previous file as it was) where it cannot.
  void save(const std::string &path) const;

  /// The choice recorded for `key`, or null.
  const TunedChoice *find(const TuningKey &key) const;
  /// Records (or replaces) the choice for `key`.
  void record(const TuningKey &key, TunedChoice choice);
  size_t size() const { return entries_.size(); }

  std::string toJson() const;
  /// `where` names the text in errors.
  static TuningDatabase fromJson(const std::string &text,
                                 const std::string &where);

private:
  std::vector<std::pair<TuningKey, TunedChoice>> entries_;
};

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_TUNING_TUNINGDATABASE_H
