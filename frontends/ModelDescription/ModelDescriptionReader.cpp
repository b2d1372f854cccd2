//===- ModelDescriptionReader.cpp - YAML to ModelDescription --------------===//
//
// The top-level schema (models/README.md): name, description, tokenizer,
// model (with ffn and ffn_overrides) and training. yaml-cpp reports syntax
// errors by exception; they are caught here and become diagnostics, so the
// API never throws.
//
//===----------------------------------------------------------------------===//

#include "frontends/ModelDescription/FfnReader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace sieve::model;

namespace {
constexpr bool required = true, optional = false;

void readTokenizer(YamlFields &top, ModelDescription &model,
                   DiagnosticSink &sink) {
  if (!top.require("tokenizer", "{kind: bytes} or {kind: sentencepiece, "
                                "vocab_size: N}"))
    return;
  YamlFields fields(top.node("tokenizer"), "tokenizer", sink);
  fields.rejectUnknownKeys({"kind", "vocab_size", "model", "training_lines"});
  auto kind = fields.choice<TokenizerKind>(
      "kind", required,
      {{"bytes", TokenizerKind::Bytes},
       {"sentencepiece", TokenizerKind::SentencePiece}});
  TokenizerConfig &tokenizer = model.tokenizer;
  if (!kind)
    return;
  tokenizer.kind = *kind;
  if (*kind == TokenizerKind::Bytes) {
    tokenizer.vocabSize =
        fields.integer("vocab_size", optional, 256, 256).value_or(256);
    if (fields.has("model"))
      fields.error("model", "only a sentencepiece tokenizer has a model file");
    if (fields.has("training_lines"))
      fields.error("training_lines",
                   "only a sentencepiece tokenizer has training_lines");
    return;
  }
  tokenizer.vocabSize = fields.integer("vocab_size", required, 2).value_or(0);
  tokenizer.model = fields.string("model", optional).value_or("");
  if (fields.has("model") && tokenizer.model.empty())
    fields.error("model", "expected the path of a SentencePiece model");
  if (!fields.has("model"))
    tokenizer.model = model.name + ".model";
  tokenizer.trainingLines = fields.integer("training_lines", optional, 1)
                                .value_or(tokenizer.trainingLines);
}

void readTransformer(YamlFields &top, ModelDescription &model,
                     DiagnosticSink &sink) {
  if (!top.require("model", "the Transformer's shape and its ffn"))
    return;
  YamlFields fields(top.node("model"), "model", sink);
  fields.rejectUnknownKeys({"d_model", "layers", "heads", "head_size",
                            "context", "memory", "eval_memory", "dropout",
                            "ffn", "ffn_overrides"});
  TransformerConfig &t = model.transformer;
  t.dModel = fields.integer("d_model", required, 1).value_or(0);
  t.layers = fields.integer("layers", required, 1, 100000).value_or(0);
  t.heads = fields.integer("heads", required, 1).value_or(0);
  t.headSize = fields.integer("head_size", required, 1).value_or(0);
  t.context = fields.integer("context", required, 1).value_or(0);
  // XL memory: the context length in training and 4x at evaluation unless
  // the description says otherwise (σ-MoE paper App. B).
  t.memory = fields.integer("memory", optional, 0).value_or(t.context);
  t.evalMemory =
      fields.integer("eval_memory", optional, 0).value_or(4 * t.memory);
  t.dropout = fields.number("dropout", required, 0.0, 1.0, false).value_or(0);
  if (fields.hasErrors() && t.dModel == 0)
    return;

  if (!fields.require("ffn", "the feed-forward block: {kind: ...}"))
    return;
  std::optional<LayerConfig> common =
      readFfn(fields.node("ffn"), "model.ffn", t.dModel, sink);
  if (!common || t.layers == 0)
    return;
  model.ffn.assign(t.layers, FfnBlock{*common, fields.position("ffn")});

  YAML::Node overrides = fields.node("ffn_overrides");
  if (!overrides.IsDefined())
    return;
  if (!overrides.IsSequence()) {
    fields.error("ffn_overrides",
                 "expected a list of {layers: [...], ffn: {...}}");
    return;
  }
  std::vector<int> overriddenBy(t.layers, -1);
  for (size_t index = 0; index < overrides.size(); ++index) {
    std::string where = "model.ffn_overrides[" + std::to_string(index) + "]";
    YamlFields entry(overrides[index], where, sink);
    entry.rejectUnknownKeys({"layers", "ffn"});
    YAML::Node layers = entry.node("layers");
    if (!layers.IsSequence() || layers.size() == 0) {
      entry.error("layers", "expected a non-empty list of layer indices");
      continue;
    }
    std::optional<LayerConfig> ffn =
        entry.require("ffn", "the feed-forward block of these layers")
            ? readFfn(entry.node("ffn"), where + ".ffn", t.dModel, sink)
            : std::nullopt;
    for (size_t i = 0; i < layers.size(); ++i) {
      std::string text = layers[i].IsScalar() ? layers[i].Scalar() : "";
      char *end = nullptr;
      long long layer = std::strtoll(text.c_str(), &end, 10);
      SourcePosition at = DiagnosticSink::positionOf(layers[i].Mark());
      if (text.empty() || *end != '\0' || layer < 0 || layer >= t.layers) {
        sink.error(at,
                   "'" + where + ".layers': expected a layer index in [0, " +
                       std::to_string(t.layers - 1) + "], got '" + text + "'");
        continue;
      }
      if (overriddenBy[layer] >= 0) {
        sink.error(at, "'" + where + ".layers': layer " +
                           std::to_string(layer) +
                           " is already overridden by ffn_overrides[" +
                           std::to_string(overriddenBy[layer]) + "]");
        continue;
      }
      overriddenBy[layer] = static_cast<int>(index);
      if (ffn)
        model.ffn[layer] = FfnBlock{*ffn, entry.position("ffn")};
    }
  }
}

void readTraining(YamlFields &top, ModelDescription &model,
                  DiagnosticSink &sink) {
  TrainingConfig &training = model.training;
  if (!top.has("training"))
    return;
  YamlFields fields(top.node("training"), "training", sink);
  fields.rejectUnknownKeys({"batch_size", "steps", "lr", "warmup", "grad_clip",
                            "seed", "checkpoint_every", "log_every"});
  training.batchSize =
      fields.integer("batch_size", optional, 1).value_or(training.batchSize);
  training.steps =
      fields.integer("steps", optional, 1).value_or(training.steps);
  training.warmup =
      fields.integer("warmup", optional, 0).value_or(training.warmup);
  training.learningRate = fields.number("lr", optional, 0.0, 1.0, true)
                              .value_or(training.learningRate);
  training.gradClip = fields.number("grad_clip", optional, 0.0, 1e6, true)
                          .value_or(training.gradClip);
  training.seed = fields.integer("seed", optional, 0).value_or(training.seed);
  training.checkpointEvery = fields.integer("checkpoint_every", optional, 1)
                                 .value_or(training.checkpointEvery);
  training.logEvery =
      fields.integer("log_every", optional, 1).value_or(training.logEvery);
}

/// A list of file paths, or an error at `key`.
std::vector<std::string> fileList(YamlFields &fields, const std::string &key) {
  YAML::Node list = fields.node(key);
  std::vector<std::string> files;
  if (list.IsSequence())
    for (const YAML::Node &item : list)
      if (item.IsScalar() && !item.Scalar().empty())
        files.push_back(item.Scalar());
  if (!list.IsSequence() || files.size() != list.size() || files.empty())
    fields.error(key, "expected a non-empty list of file paths");
  return files;
}

void readData(YamlFields &top, ModelDescription &model, DiagnosticSink &sink) {
  DataConfig &data = model.data;
  bool subword = model.tokenizer.kind == TokenizerKind::SentencePiece;
  if (!top.has("data")) {
    if (subword)
      top.error("tokenizer", "a sentencepiece tokenizer needs a data section "
                             "with format wikitext103 or jsonl");
    return;
  }
  YamlFields fields(top.node("data"), "data", sink);
  fields.rejectUnknownKeys({"format", "corpus", "limit", "path", "train",
                            "valid", "test", "text_field"});
  data.format =
      fields
          .choice<DataFormat>("format", optional,
                              {{"bytes", DataFormat::Bytes},
                               {"wikitext103", DataFormat::WikiText103},
                               {"jsonl", DataFormat::JsonLines}})
          .value_or(DataFormat::Bytes);
  data.limit = fields.integer("limit", optional, 0).value_or(0);
  bool bytes = data.format == DataFormat::Bytes;
  if (subword && !fields.has("format"))
    fields.require("format", "wikitext103 or jsonl, for a sentencepiece "
                             "tokenizer");
  else if (bytes == subword)
    fields.error("format", subword ? "a sentencepiece tokenizer reads format "
                                     "wikitext103 or jsonl"
                                   : "this format needs a sentencepiece "
                                     "tokenizer (tokenizer: {kind: "
                                     "sentencepiece, vocab_size: N})");
  auto only = [&](const char *key, bool allowed, const char *format) {
    if (fields.has(key) && !allowed)
      fields.error(key, std::string(key) + " belongs to format " + format);
  };
  only("corpus", bytes, "bytes");
  only("path", data.format == DataFormat::WikiText103, "wikitext103");
  for (const char *key : {"train", "valid", "test", "text_field"})
    only(key, data.format == DataFormat::JsonLines, "jsonl");

  if (bytes) {
    data.corpus = fields.string("corpus", optional).value_or("gcide");
    if (fields.has("corpus") && data.corpus.empty())
      fields.error("corpus", "expected \"gcide\" or a file path");
  } else if (data.format == DataFormat::WikiText103) {
    data.path = fields.string("path", required).value_or("");
  } else {
    for (auto [key, files] :
         {std::pair<const char *, std::vector<std::string> *>{"train",
                                                              &data.train},
          {"valid", &data.valid}})
      if (fields.require(key, "a list of JSON-lines files"))
        *files = fileList(fields, key);
    if (fields.has("test"))
      data.test = fileList(fields, "test");
    data.textField = fields.string("text_field", optional).value_or("text");
  }
}

/// The routing section, and what MoWE blocks require of the rest.
void readRouting(YamlFields &top, ModelDescription &model,
                 DiagnosticSink &sink) {
  RoutingConfig &routing = model.routing;
  routing.present = top.has("routing");
  if (routing.present) {
    YamlFields fields(top.node("routing"), "routing", sink);
    fields.rejectUnknownKeys({"words", "max_match"});
    routing.words =
        fields.string("words", optional).value_or("gcide-headwords");
    if (routing.words.empty())
      fields.error("words", "expected \"gcide-headwords\" or a file of names");
    routing.maxMatch = fields.integer("max_match", optional, 2, 64).value_or(8);
  }
  const FfnBlock *first = nullptr;
  int64_t firstLayer = 0;
  for (size_t layer = 0; layer < model.ffn.size(); ++layer) {
    const FfnBlock &block = model.ffn[layer];
    const auto *mowe = std::get_if<MoweFfnConfig>(&block.config);
    if (!mowe)
      continue;
    if (!first) {
      first = &block;
      firstLayer = static_cast<int64_t>(layer);
      if (!routing.present)
        sink.error(block.position,
                   "a MoWE block needs the top-level 'routing' section "
                   "(routing: {words: gcide-headwords}), which says how its "
                   "routing vocabulary is built");
      if (model.tokenizer.kind != TokenizerKind::Bytes)
        sink.error(block.position, "MoWE routing is implemented for the "
                                   "bytes tokenizer only");
      if (mowe->routingVocabSize <= 256)
        sink.error(block.position,
                   "routing_vocab_size " +
                       std::to_string(mowe->routingVocabSize) +
                       " leaves no words: the vocabulary is its words plus "
                       "the 256 bytes");
    } else if (summary(block.config) != summary(first->config)) {
      sink.error(block.position,
                 "MoWE layers share their parameters (MoWE App. A), so this "
                 "block must equal layer " +
                     std::to_string(firstLayer) + "'s");
    }
  }
  if (routing.present && !first)
    top.error("routing", "only MoWE blocks use a routing vocabulary; no "
                         "layer has one");
}

bool before(const Diagnostic &a, const Diagnostic &b) {
  return std::tie(a.position.line, a.position.column) <
         std::tie(b.position.line, b.position.column);
}
} // namespace

ReadResult sieve::model::parseModelDescription(const std::string &text,
                                               const std::string &file) {
  DiagnosticSink sink(file);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception &e) {
    sink.error(e.mark, "invalid YAML: " + e.msg);
    return {std::nullopt, sink.take()};
  } catch (const std::exception &e) {
    sink.error(SourcePosition{}, std::string("cannot parse: ") + e.what());
    return {std::nullopt, sink.take()};
  }
  ModelDescription model;
  model.file = file;
  YamlFields top(root, "", sink);
  if (root.IsMap()) {
    top.rejectUnknownKeys({"name", "description", "tokenizer", "model",
                           "training", "data", "routing"});
    model.name = top.string("name", required).value_or("");
    model.description = top.string("description", optional).value_or("");
    readTokenizer(top, model, sink);
    readTransformer(top, model, sink);
    readTraining(top, model, sink);
    readData(top, model, sink);
    readRouting(top, model, sink);
  }
  std::vector<Diagnostic> errors = sink.take();
  if (!errors.empty()) {
    std::stable_sort(errors.begin(), errors.end(), before);
    return {std::nullopt, std::move(errors)};
  }
  return {std::move(model), {}};
}

ReadResult sieve::model::readModelDescription(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return {std::nullopt,
            {{path, {}, "cannot open the model description for reading"}}};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return {std::nullopt, {{path, {}, "cannot read the model description"}}};
  return parseModelDescription(text.str(), path);
}

std::vector<DistinctFfn>
sieve::model::distinctFfnBlocks(const ModelDescription &model) {
  std::vector<DistinctFfn> distinct;
  for (size_t layer = 0; layer < model.ffn.size(); ++layer) {
    const FfnBlock &block = model.ffn[layer];
    auto same = std::find_if(
        distinct.begin(), distinct.end(), [&](const DistinctFfn &d) {
          return summary(d.block.config) == summary(block.config);
        });
    if (same == distinct.end())
      distinct.push_back({block, {static_cast<int64_t>(layer)}});
    else
      same->layers.push_back(static_cast<int64_t>(layer));
  }
  return distinct;
}

std::vector<int64_t> sieve::model::moweLayers(const ModelDescription &model) {
  std::vector<int64_t> layers;
  for (size_t layer = 0; layer < model.ffn.size(); ++layer)
    if (std::holds_alternative<MoweFfnConfig>(model.ffn[layer].config))
      layers.push_back(static_cast<int64_t>(layer));
  return layers;
}

std::string sieve::model::resolvePath(const ModelDescription &model,
                                      const std::string &path) {
  std::filesystem::path given(path);
  return given.is_relative()
             ? (std::filesystem::path(model.file).parent_path() / given)
                   .string()
             : path;
}
