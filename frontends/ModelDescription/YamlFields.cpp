//===- YamlFields.cpp - typed, located access to a YAML mapping's keys ----===//

#include "frontends/ModelDescription/YamlFields.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

using namespace sieve::model;

std::string Diagnostic::str() const {
  std::ostringstream out;
  out << file;
  if (position.line > 0)
    out << ":" << position.line << ":" << position.column;
  out << ": error: " << message;
  return out.str();
}

SourcePosition DiagnosticSink::positionOf(const YAML::Mark &mark) {
  // yaml-cpp counts from 0 and marks "no position" with -1.
  if (mark.line < 0)
    return {};
  return {mark.line + 1, mark.column + 1};
}

void DiagnosticSink::error(const YAML::Mark &mark, std::string message) {
  error(positionOf(mark), std::move(message));
}

void DiagnosticSink::error(SourcePosition position, std::string message) {
  errors.push_back({file, position, std::move(message)});
}

namespace {
/// How a node reads in a message: its kind, or its scalar text.
std::string describe(const YAML::Node &node) {
  switch (node.Type()) {
  case YAML::NodeType::Null:
    return "nothing";
  case YAML::NodeType::Sequence:
    return "a list";
  case YAML::NodeType::Map:
    return "a mapping";
  case YAML::NodeType::Scalar:
    return node.Tag() == "!" ? "the string \"" + node.Scalar() + "\""
                             : "'" + node.Scalar() + "'";
  default:
    return "nothing";
  }
}

std::string formatNumber(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}
} // namespace

YamlFields::YamlFields(const YAML::Node &node, std::string where,
                       DiagnosticSink &sink)
    : mapping(node), where(std::move(where)), sink(sink),
      errorsAtStart(sink.count()) {
  if (!node.IsMap()) {
    sink.error(node.Mark(), displayName() +
                                " must be a mapping of keys to values, got " +
                                describe(node));
    return;
  }
  for (YAML::const_iterator it = node.begin(); it != node.end(); ++it) {
    const YAML::Node &key = it->first;
    if (!key.IsScalar()) {
      sink.error(key.Mark(), "keys of '" + this->where +
                                 "' must be names, got " + describe(key));
      continue;
    }
    const std::string &name = key.Scalar();
    if (nodes.count(name)) {
      sink.error(key.Mark(),
                 "key '" + path(name) + "' is repeated (first given at line " +
                     std::to_string(keyMarks.at(name).line + 1) + ")");
      continue;
    }
    nodes.emplace(name, it->second);
    keyMarks.emplace(name, key.Mark());
  }
}

std::string YamlFields::displayName() const {
  return where.empty() ? "the model description" : "'" + where + "'";
}

std::string YamlFields::path(const std::string &key) const {
  return where.empty() ? key : where + "." + key;
}

YAML::Node YamlFields::node(const std::string &key) {
  auto it = nodes.find(key);
  return it == nodes.end() ? YAML::Node(YAML::NodeType::Undefined) : it->second;
}

SourcePosition YamlFields::position(const std::string &key) const {
  auto it = nodes.find(key);
  if (it == nodes.end())
    return DiagnosticSink::positionOf(mapping.Mark());
  return DiagnosticSink::positionOf(it->second.Mark());
}

void YamlFields::error(const std::string &key, const std::string &message) {
  sink.error(position(key), "'" + path(key) + "': " + message);
}

bool YamlFields::require(const std::string &key, const char *expected) {
  if (has(key))
    return true;
  sink.error(DiagnosticSink::positionOf(mapping.Mark()),
             displayName() + " needs the key '" + key + "' (" + expected + ")");
  return false;
}

std::optional<std::string> YamlFields::scalar(const std::string &key,
                                              bool required,
                                              const char *expected) {
  auto it = nodes.find(key);
  if (it == nodes.end()) {
    if (required)
      require(key, expected);
    return std::nullopt;
  }
  if (!it->second.IsScalar()) {
    error(key, std::string("expected ") + expected + ", got " +
                   describe(it->second));
    return std::nullopt;
  }
  return it->second.Scalar();
}

std::optional<int64_t> YamlFields::integer(const std::string &key,
                                           bool required, int64_t min,
                                           int64_t max) {
  std::optional<std::string> text = scalar(key, required, "an integer");
  if (!text)
    return std::nullopt;
  const char *begin = text->c_str();
  char *end = nullptr;
  errno = 0;
  long long value = std::strtoll(begin, &end, 10);
  bool plain = node(key).Tag() != "!";
  if (!plain || text->empty() || *end != '\0' || errno == ERANGE) {
    error(key, "expected an integer, got " + describe(node(key)));
    return std::nullopt;
  }
  if (value < min || value > max) {
    std::string range = max == INT64_MAX ? "at least " + std::to_string(min)
                                         : "in [" + std::to_string(min) + ", " +
                                               std::to_string(max) + "]";
    error(key, "must be " + range + ", got " + *text);
    return std::nullopt;
  }
  return value;
}

std::optional<double> YamlFields::number(const std::string &key, bool required,
                                         double min, double max,
                                         bool maxIncluded) {
  std::optional<std::string> text = scalar(key, required, "a number");
  if (!text)
    return std::nullopt;
  char *end = nullptr;
  errno = 0;
  double value = std::strtod(text->c_str(), &end);
  bool plain = node(key).Tag() != "!";
  if (!plain || text->empty() || *end != '\0' || errno == ERANGE ||
      !std::isfinite(value)) {
    error(key, "expected a finite number, got " + describe(node(key)));
    return std::nullopt;
  }
  bool aboveMax = maxIncluded ? value > max : value >= max;
  if (value < min || aboveMax) {
    error(key, "must be in [" + formatNumber(min) + ", " + formatNumber(max) +
                   (maxIncluded ? "]" : ")") + ", got " + *text);
    return std::nullopt;
  }
  return value;
}

std::optional<bool> YamlFields::boolean(const std::string &key, bool required) {
  std::optional<std::string> text = scalar(key, required, "true or false");
  if (!text)
    return std::nullopt;
  if (node(key).Tag() != "!" && (*text == "true" || *text == "false"))
    return *text == "true";
  error(key, "expected true or false, got " + describe(node(key)));
  return std::nullopt;
}

std::optional<std::string> YamlFields::string(const std::string &key,
                                              bool required) {
  return scalar(key, required, "a string");
}

void YamlFields::rejectUnknownKeys(const std::vector<std::string> &known) {
  std::set<std::string> accepted(known.begin(), known.end());
  for (const auto &[name, mark] : keyMarks) {
    if (accepted.count(name))
      continue;
    std::string list;
    for (const std::string &key : known)
      list += (list.empty() ? "" : ", ") + key;
    sink.error(mark, "unknown key '" + path(name) + "': " + displayName() +
                         " accepts " + list);
  }
}
