//===- Manifest.cpp - a bundle's manifest, as the runtime reads it --------===//

#include "runtime/Bundle/Manifest.h"

#include "runtime/Core/Error.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

using namespace sieve::runtime;
using json = nlohmann::json;

std::string DimSpec::str() const {
  if (tokens == 0)
    return std::to_string(constant);
  return tokens == 1 ? "tokens" : std::to_string(tokens) + "*tokens";
}

std::vector<int64_t> ArgSpec::shapeFor(int64_t tokens) const {
  std::vector<int64_t> sizes;
  for (const DimSpec &dim : shape)
    sizes.push_back(dim.tokens == 0 ? dim.constant : dim.tokens * tokens);
  return sizes;
}

std::string ArgSpec::describe() const {
  std::string text = std::string(sieve::runtime::name(dtype)) + "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? " x " : "") + shape[i].str();
  return text + "]";
}

int FunctionSpec::findVariant(const std::string &tiles) const {
  for (size_t i = 0; i < variants.size(); ++i)
    if (variants[i].tiles == tiles)
      return static_cast<int>(i);
  return -1;
}

size_t FunctionSpec::count(ArgKind kind) const {
  size_t n = 0;
  for (const ArgSpec &arg : args)
    n += arg.kind == kind;
  return n;
}

namespace {

/// Field access that names the field when it is missing or mistyped.
class Reader {
public:
  explicit Reader(std::string where) : where(std::move(where)) {}

  const json &field(const json &object, const std::string &key,
                    const std::string &path) const {
    if (!object.is_object() || !object.contains(key))
      fail(path + key, "is missing");
    return object.at(key);
  }
  std::string string(const json &object, const std::string &key,
                     const std::string &path) const {
    const json &value = field(object, key, path);
    if (!value.is_string())
      fail(path + key, "must be a string");
    return value.get<std::string>();
  }
  int64_t integer(const json &object, const std::string &key,
                  const std::string &path) const {
    const json &value = field(object, key, path);
    if (!value.is_number_integer())
      fail(path + key, "must be an integer");
    return value.get<int64_t>();
  }
  const json &array(const json &object, const std::string &key,
                    const std::string &path) const {
    const json &value = field(object, key, path);
    if (!value.is_array())
      fail(path + key, "must be an array");
    return value;
  }
  [[noreturn]] void fail(const std::string &field,
                         const std::string &problem) const {
    throw Error(where + ": field '" + field + "' " + problem);
  }

  std::string where;
};

DimSpec parseDim(const Reader &r, const json &value, const std::string &path) {
  if (value.is_number_integer() && value.get<int64_t>() >= 0)
    return {value.get<int64_t>(), 0};
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    if (text == "tokens")
      return {0, 1};
    size_t star = text.find("*tokens");
    if (star != std::string::npos && star > 0 && star + 7 == text.size() &&
        text.find_first_not_of("0123456789") == star) {
      int64_t multiple = std::stoll(text.substr(0, star));
      if (multiple > 0)
        return {0, multiple};
    }
  }
  r.fail(path,
         "must be a size, \"tokens\" or \"<n>*tokens\", got " + value.dump());
}

} // namespace

Manifest Manifest::parse(const std::string &text, const std::string &where) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error &e) {
    throw Error(where + ": not valid JSON (" + e.what() + ")");
  }
  Reader r(where);
  if (r.string(root, "format", "") != "sieve-bundle")
    r.fail("format", "must be \"sieve-bundle\"");
  Manifest m;
  m.version = static_cast<int>(r.integer(root, "version", ""));
  if (m.version != kBundleFormatVersion)
    r.fail("version", "is " + std::to_string(m.version) +
                          " but this runtime reads version " +
                          std::to_string(kBundleFormatVersion) +
                          "; recompile the bundle");
  const json &target = r.field(root, "target", "");
  m.targetName = r.string(target, "name", "target.");
  m.targetDescription = r.string(target, "description", "target.");
  m.library = r.string(root, "library", "");
  m.librarySha256 = r.string(root, "library_sha256", "");
  m.cacheKey = r.string(root, "cache_key", "");
  m.source = r.string(root, "source", "");

  if (root.contains("tunables")) {
    const json &tunables = root.at("tunables");
    if (!tunables.is_object())
      r.fail("tunables", "must be an object of integers");
    for (const auto &[name, value] : tunables.items())
      m.tunables[name] = r.integer(tunables, name, "tunables.");
  }

  const json &functions = r.array(root, "functions", "");
  for (size_t f = 0; f < functions.size(); ++f) {
    std::string fpath = "functions[" + std::to_string(f) + "].";
    FunctionSpec fn;
    fn.name = r.string(functions[f], "name", fpath);
    fn.symbol = r.string(functions[f], "symbol", fpath);
    const json &args = r.array(functions[f], "arguments", fpath);
    for (size_t a = 0; a < args.size(); ++a) {
      std::string apath = fpath + "arguments[" + std::to_string(a) + "].";
      ArgSpec arg;
      arg.name = r.string(args[a], "name", apath);
      std::string kind = r.string(args[a], "kind", apath);
      if (kind == "input")
        arg.kind = ArgKind::Input;
      else if (kind == "scalar")
        arg.kind = ArgKind::Scalar;
      else if (kind == "output")
        arg.kind = ArgKind::Output;
      else
        r.fail(apath + "kind",
               "must be input, scalar or output, got \"" + kind + "\"");
      std::string dtype = r.string(args[a], "dtype", apath);
      std::optional<DType> parsed = parseDType(dtype);
      if (!parsed)
        r.fail(apath + "dtype",
               "is not a known element type: \"" + dtype + "\"");
      arg.dtype = *parsed;
      if (arg.kind != ArgKind::Scalar) {
        const json &shape = r.array(args[a], "shape", apath);
        for (size_t d = 0; d < shape.size(); ++d)
          arg.shape.push_back(parseDim(
              r, shape[d], apath + "shape[" + std::to_string(d) + "]"));
      } else if (arg.dtype != DType::I64) {
        r.fail(apath + "dtype", "of a scalar must be i64");
      }
      fn.args.push_back(std::move(arg));
    }
    if (functions[f].contains("variants")) {
      const json &variants = r.array(functions[f], "variants", fpath);
      for (size_t v = 0; v < variants.size(); ++v) {
        std::string vpath = fpath + "variants[" + std::to_string(v) + "].";
        VariantSpec variant{r.string(variants[v], "symbol", vpath),
                            r.string(variants[v], "tiles", vpath)};
        if (fn.findVariant(variant.tiles) >= 0)
          r.fail(vpath + "tiles", "repeats '" + variant.tiles + "'");
        fn.variants.push_back(std::move(variant));
      }
      if (fn.variants.empty())
        r.fail(fpath + "variants", "is empty");
      if (fn.variants[0].symbol != fn.symbol)
        r.fail(fpath + "variants[0].symbol",
               "must be the function's own symbol " + fn.symbol);
    }
    m.functions.push_back(std::move(fn));
  }
  return m;
}

Manifest Manifest::read(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    throw Error("cannot read bundle manifest " + path);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  return parse(text, path);
}
