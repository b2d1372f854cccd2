//===- YamlFields.h - typed, located access to a YAML mapping's keys ------===//
//
// The model-description reader asks a mapping for its keys one by one, by
// type; every problem (missing key, wrong type, out-of-range value, unknown
// or repeated key) becomes a Diagnostic at the offending node, so one run
// reports every error of a file. Nothing here throws.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_FRONTENDS_MODELDESCRIPTION_YAMLFIELDS_H
#define SIEVE_FRONTENDS_MODELDESCRIPTION_YAMLFIELDS_H

#include "frontends/ModelDescription/ModelDescription.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

namespace sieve::model {

/// Collects the diagnostics of one file.
class DiagnosticSink {
public:
  explicit DiagnosticSink(std::string file) : file(std::move(file)) {}
  void error(const YAML::Mark &mark, std::string message);
  void error(SourcePosition position, std::string message);
  static SourcePosition positionOf(const YAML::Mark &mark);
  size_t count() const { return errors.size(); }
  std::vector<Diagnostic> take() { return std::move(errors); }

private:
  std::string file;
  std::vector<Diagnostic> errors;
};

/// The keys of one YAML mapping. `where` names it in messages ("model",
/// "model.ffn", ...).
class YamlFields {
public:
  /// Reports an error (and acts as an empty mapping) when `node` is not a
  /// mapping.
  YamlFields(const YAML::Node &node, std::string where, DiagnosticSink &sink);

  bool has(const std::string &key) const { return nodes.count(key) != 0; }
  /// Reports a missing required key (`expected` says what it holds).
  bool require(const std::string &key, const char *expected);
  /// Whether an error was reported since this mapping was opened.
  bool hasErrors() const { return sink.count() > errorsAtStart; }
  /// The node of `key`, or an undefined node; marks the key as known.
  YAML::Node node(const std::string &key);
  /// The position of `key`'s value, or of the mapping when it is absent.
  SourcePosition position(const std::string &key) const;

  /// The scalar readers return nullopt, having reported why, when the key is
  /// required but missing or its value is not of the type; nullopt without a
  /// report when an optional key is absent.
  std::optional<int64_t> integer(const std::string &key, bool required,
                                 int64_t min, int64_t max = INT64_MAX);
  std::optional<double> number(const std::string &key, bool required,
                               double min, double max, bool maxIncluded);
  std::optional<bool> boolean(const std::string &key, bool required);
  std::optional<std::string> string(const std::string &key, bool required);
  /// One of `choices` (each a spelling and its value).
  template <typename T>
  std::optional<T>
  choice(const std::string &key, bool required,
         const std::vector<std::pair<const char *, T>> &choices);

  /// Reports `message` at `key`'s value.
  void error(const std::string &key, const std::string &message);
  /// Reports keys nobody asked for, naming the keys this mapping accepts.
  void rejectUnknownKeys(const std::vector<std::string> &known);

private:
  /// The scalar text of `key`, or nullopt (reported) when it is not a scalar.
  std::optional<std::string> scalar(const std::string &key, bool required,
                                    const char *expected);
  std::string path(const std::string &key) const;
  /// The mapping as messages name it.
  std::string displayName() const;

  YAML::Node mapping;
  std::string where;
  DiagnosticSink &sink;
  size_t errorsAtStart;
  std::map<std::string, YAML::Node> nodes;
  std::map<std::string, YAML::Mark> keyMarks;
};

template <typename T>
std::optional<T>
YamlFields::choice(const std::string &key, bool required,
                   const std::vector<std::pair<const char *, T>> &choices) {
  std::optional<std::string> text = scalar(key, required, "a name");
  if (!text)
    return std::nullopt;
  std::string spellings;
  for (const auto &[spelling, value] : choices) {
    if (*text == spelling)
      return value;
    spellings += std::string(spellings.empty() ? "" : ", ") + spelling;
  }
  error(key, "unknown value '" + *text + "': expected one of " + spellings);
  return std::nullopt;
}

} // namespace sieve::model

#endif // SIEVE_FRONTENDS_MODELDESCRIPTION_YAMLFIELDS_H
