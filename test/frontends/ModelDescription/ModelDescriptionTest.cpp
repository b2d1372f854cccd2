//===- ModelDescriptionTest.cpp - the YAML model-description reader -------===//

#include "frontends/ModelDescription/ModelDescription.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace sieve::model;

namespace {

/// A valid description; tests replace pieces of it.
const char *const kBase = R"(name: tiny
tokenizer:
  kind: bytes
model:
  d_model: 64
  layers: 4
  heads: 4
  head_size: 16
  context: 32
  dropout: 0.1
  ffn:
    kind: moe
    experts: 8
    expert_size: 16
    k: 2
)";

ReadResult parse(const std::string &text) {
  return parseModelDescription(text, "tiny.yaml");
}

std::string allErrors(const ReadResult &result) {
  std::string text;
  for (const Diagnostic &d : result.errors)
    text += d.str() + "\n";
  return text;
}

TEST(ModelDescription, ReadsTheE8SigmaMoeModel) {
  ReadResult result =
      readModelDescription(SIEVE_SOURCE_DIR "/models/paper/e8-sigma-moe.yaml");
  ASSERT_TRUE(result.description) << allErrors(result);
  const ModelDescription &m = *result.description;
  EXPECT_EQ(m.name, "e8-sigma-moe");
  EXPECT_EQ(m.tokenizer.kind, TokenizerKind::Bytes);
  EXPECT_EQ(m.tokenizer.vocabSize, 256);
  EXPECT_EQ(m.transformer.dModel, 512);
  EXPECT_EQ(m.transformer.layers, 12);
  EXPECT_EQ(m.transformer.heads, 8);
  EXPECT_EQ(m.transformer.headSize, 64);
  EXPECT_EQ(m.transformer.context, 512);
  EXPECT_EQ(m.transformer.evalMemory, 2048);
  EXPECT_DOUBLE_EQ(m.transformer.dropout, 0.1);
  ASSERT_EQ(m.ffn.size(), 12u);
  const auto &moe = std::get<MoeFfnConfig>(m.ffn[5].config);
  EXPECT_EQ(moe.dModel, 512);
  EXPECT_EQ(moe.numExperts, 16);
  EXPECT_EQ(moe.expertSize, 128);
  EXPECT_EQ(moe.k, 4);
  EXPECT_DOUBLE_EQ(moe.expertDropout, 0.05);
  EXPECT_EQ(moe.regularizer, Regularizer::Entropy);
  EXPECT_DOUBLE_EQ(moe.regularizerWeight, 1e-4);
  EXPECT_EQ(m.ffn[5].position.line, 15); // the line after "ffn:"
  EXPECT_EQ(m.training.batchSize, 32);
  EXPECT_DOUBLE_EQ(m.training.learningRate, 2.5e-4);
  EXPECT_EQ(distinctFfnBlocks(m).size(), 1u);
}

TEST(ModelDescription, DefaultsFollowThePaper) {
  ReadResult result = parse(kBase);
  ASSERT_TRUE(result.description) << allErrors(result);
  const ModelDescription &m = *result.description;
  EXPECT_EQ(m.transformer.memory, 32);      // the context length
  EXPECT_EQ(m.transformer.evalMemory, 128); // 4x at evaluation
  const auto &moe = std::get<MoeFfnConfig>(m.ffn[0].config);
  EXPECT_EQ(moe.selectionActivation, SelectionActivation::Sigmoid);
  EXPECT_EQ(moe.selection, ExpertSelection::TopK);
  EXPECT_EQ(moe.init, ExpertInit::SigmaMoe);
  EXPECT_EQ(moe.regularizer, Regularizer::None);
  EXPECT_DOUBLE_EQ(m.training.gradClip, 0.25);
  EXPECT_EQ(m.training.steps, 100000);
  EXPECT_EQ(m.training.checkpointEvery, 1000);
  EXPECT_EQ(m.data.corpus, "gcide");
  EXPECT_EQ(m.data.limit, 0);
}

TEST(ModelDescription, SinkhornDefaultsToThreeIterations) {
  ReadResult result = parse(std::string(kBase) + "    selection: sinkhorn\n");
  ASSERT_TRUE(result.description) << allErrors(result);
  EXPECT_EQ(std::get<MoeFfnConfig>(result.description->ffn[0].config)
                .sinkhornIterations,
            3);
}

TEST(ModelDescription, EveryFfnExampleHasEveryVariant) {
  ReadResult result =
      readModelDescription(SIEVE_SOURCE_DIR "/models/examples/every-ffn.yaml");
  ASSERT_TRUE(result.description) << allErrors(result);
  const ModelDescription &m = *result.description;
  std::vector<std::string> kinds;
  for (const FfnBlock &block : m.ffn)
    kinds.push_back(kindName(block.config));
  EXPECT_EQ(kinds, (std::vector<std::string>{"dense", "topk", "pkm", "moe",
                                             "moe", "moe", "mowe", "dense"}));
  std::vector<DistinctFfn> distinct = distinctFfnBlocks(m);
  ASSERT_EQ(distinct.size(), 7u);
  EXPECT_EQ(distinct[0].layers, (std::vector<int64_t>{0, 7}));
  const auto &pkm = std::get<PkmFfnConfig>(m.ffn[2].config);
  EXPECT_EQ(pkm.numSubkeys, 16);
  EXPECT_EQ(pkm.activation, PkmActivation::ReLU);
  const auto &sbase = std::get<MoeFfnConfig>(m.ffn[5].config);
  EXPECT_EQ(sbase.selection, ExpertSelection::Sinkhorn);
  const auto &mowe = std::get<MoweFfnConfig>(m.ffn[6].config);
  ASSERT_EQ(mowe.buckets.size(), 2u);
  EXPECT_EQ(mowe.buckets[1].expertsPerBlock, 108);
}

TEST(ModelDescription, SummariesTellConfigsApart) {
  MoeFfnConfig a;
  a.dModel = 512;
  a.numExperts = 16;
  a.expertSize = 128;
  a.k = 4;
  MoeFfnConfig b = a;
  b.regularizer = Regularizer::Entropy;
  b.regularizerWeight = 1e-4;
  MoeFfnConfig c = b;
  c.regularizerWeight = 1.0000001e-4;
  EXPECT_NE(summary(a), summary(b));
  EXPECT_NE(summary(b), summary(c));
  EXPECT_EQ(summary(b), "moe d_model=512 N_E=16 G=128 K=4 sigmoid topk "
                        "delta=0 entropy gamma=0.0001 dropout=0 "
                        "init=sigma_moe");
}

TEST(ModelDescription, MissingFileIsAnError) {
  ReadResult result = readModelDescription("/nonexistent/model.yaml");
  ASSERT_FALSE(result.description);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].str(),
            "/nonexistent/model.yaml: error: cannot open the model "
            "description for reading");
}

/// A bad description: the text, and one of its errors' position and message.
struct BadCase {
  const char *name;
  std::string text;
  int line, column;
  const char *message;
};

/// kBase with `from` replaced by `to`.
std::string edit(const std::string &from, const std::string &to) {
  std::string text = kBase;
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

std::string withFfn(const std::string &ffn) {
  std::string text = kBase;
  return text.substr(0, text.find("  ffn:\n")) + "  ffn:\n" + ffn;
}

TEST(ModelDescription, ReadsSubwordCorpora) {
  std::string subword =
      edit("  kind: bytes\n", "  kind: sentencepiece\n  vocab_size: 8000\n");
  ReadResult jsonl =
      parse(subword + "data: {format: jsonl, train: [a.json.gz, b.json.gz], "
                      "valid: [c.json], text_field: body, limit: 9}\n");
  ASSERT_TRUE(jsonl.description) << allErrors(jsonl);
  const ModelDescription &m = *jsonl.description;
  EXPECT_EQ(m.tokenizer.vocabSize, 8000);
  EXPECT_EQ(m.tokenizer.model, "tiny.model"); // named after the model
  EXPECT_EQ(m.tokenizer.trainingLines, 1000000);
  EXPECT_EQ(m.data.format, DataFormat::JsonLines);
  EXPECT_EQ(m.data.train, (std::vector<std::string>{"a.json.gz", "b.json.gz"}));
  EXPECT_EQ(m.data.valid, std::vector<std::string>{"c.json"});
  EXPECT_TRUE(m.data.test.empty());
  EXPECT_EQ(m.data.textField, "body");
  EXPECT_EQ(m.data.limit, 9);
  ReadResult wikitext =
      parse(subword + "data: {format: wikitext103, path: data/wt103}\n");
  ASSERT_TRUE(wikitext.description) << allErrors(wikitext);
  EXPECT_EQ(wikitext.description->data.format, DataFormat::WikiText103);
  EXPECT_EQ(wikitext.description->data.path, "data/wt103");
}

class BadDescription : public testing::TestWithParam<BadCase> {};

TEST_P(BadDescription, IsReportedWithItsPosition) {
  const BadCase &c = GetParam();
  ReadResult result = parse(c.text);
  ASSERT_FALSE(result.description) << c.text;
  ASSERT_FALSE(result.errors.empty());
  auto match = std::find_if(
      result.errors.begin(), result.errors.end(), [&](const Diagnostic &d) {
        return d.message.find(c.message) != std::string::npos;
      });
  ASSERT_NE(match, result.errors.end())
      << "expected '" << c.message << "' in:\n"
      << allErrors(result);
  EXPECT_EQ(match->file, "tiny.yaml");
  EXPECT_EQ(match->position.line, c.line) << allErrors(result);
  EXPECT_EQ(match->position.column, c.column) << allErrors(result);
}

const BadCase kBadCases[] = {
    {"syntax", "name: [tiny\n", 2, 1, "invalid YAML: "},
    {"not_a_mapping", "- a\n- b\n", 1, 1,
     "the model description must be a mapping of keys to values, got a list"},
    {"empty", "", 0, 0,
     "the model description must be a mapping of keys to values, got nothing"},
    {"no_name", edit("name: tiny\n", ""), 1, 1,
     "the model description needs the key 'name'"},
    {"no_tokenizer", edit("tokenizer:\n  kind: bytes\n", ""), 1, 1,
     "the model description needs the key 'tokenizer'"},
    {"no_model", std::string("name: x\ntokenizer: {kind: bytes}\n"), 1, 1,
     "the model description needs the key 'model'"},
    {"unknown_top_key", std::string(kBase) + "optimiser: adam\n", 16, 1,
     "unknown key 'optimiser': the model description accepts name, "
     "description, tokenizer, model, training, data"},
    {"repeated_key", edit("  layers: 4\n", "  layers: 4\n  layers: 5\n"), 7, 3,
     "key 'model.layers' is repeated (first given at line 6)"},
    {"non_scalar_key", edit("  layers: 4\n", "  [a]: 4\n"), 6, 3,
     "keys of 'model' must be names, got a list"},
    {"quoted_integer", edit("d_model: 64", "d_model: \"64\""), 5, 12,
     "'model.d_model': expected an integer, got the string \"64\""},
    {"float_integer", edit("d_model: 64", "d_model: 64.5"), 5, 12,
     "'model.d_model': expected an integer, got '64.5'"},
    {"list_integer", edit("d_model: 64", "d_model: [64]"), 5, 12,
     "'model.d_model': expected an integer, got a list"},
    {"zero_width", edit("d_model: 64", "d_model: 0"), 5, 12,
     "'model.d_model': must be at least 1, got 0"},
    {"too_many_layers", edit("layers: 4", "layers: 1000000"), 6, 11,
     "'model.layers': must be in [1, 100000], got 1000000"},
    {"dropout_one", edit("dropout: 0.1", "dropout: 1.0"), 10, 12,
     "'model.dropout': must be in [0, 1), got 1.0"},
    {"dropout_nan", edit("dropout: 0.1", "dropout: .nan"), 10, 12,
     "'model.dropout': expected a finite number, got '.nan'"},
    {"no_dropout", edit("  dropout: 0.1\n", ""), 5, 3,
     "'model' needs the key 'dropout' (a number)"},
    {"model_not_mapping",
     std::string("name: x\ntokenizer: {kind: bytes}\n"
                 "model: 3\n"),
     3, 8, "'model' must be a mapping of keys to values, got '3'"},
    {"unknown_model_key",
     edit("  dropout: 0.1\n", "  dropout: 0.1\n  d_ff: 3\n"), 11, 3,
     "unknown key 'model.d_ff': 'model' accepts d_model, layers"},
    {"tokenizer_kind", edit("kind: bytes", "kind: words"), 3, 9,
     "'tokenizer.kind': unknown value 'words': expected one of bytes, "
     "sentencepiece"},
    {"bytes_vocab", edit("kind: bytes", "kind: bytes\n  vocab_size: 300"), 4,
     15, "'tokenizer.vocab_size': must be in [256, 256], got 300"},
    {"bytes_model_file", edit("kind: bytes", "kind: bytes\n  model: a.model"),
     4, 10,
     "'tokenizer.model': only a sentencepiece tokenizer has a model "
     "file"},
    {"sentencepiece_vocab", edit("kind: bytes", "kind: sentencepiece"), 3, 3,
     "'tokenizer' needs the key 'vocab_size' (an integer)"},
    {"no_ffn",
     edit("  ffn:\n    kind: moe\n    experts: 8\n    expert_size: "
          "16\n    k: 2\n",
          ""),
     5, 3, "'model' needs the key 'ffn' (the feed-forward block"},
    {"ffn_kind", withFfn("    kind: lstm\n"), 12, 11,
     "'model.ffn.kind': unknown value 'lstm': expected one of dense, topk, "
     "pkm, moe, mowe"},
    {"ffn_no_kind", withFfn("    d_ff: 3\n"), 12, 5,
     "'model.ffn' needs the key 'kind' (a name)"},
    {"ffn_unknown_key", withFfn("    kind: dense\n    d_ff: 8\n    k: 2\n"), 14,
     5, "unknown key 'model.ffn.k': 'model.ffn' accepts kind, d_ff"},
    {"dense_no_dff", withFfn("    kind: dense\n"), 12, 5,
     "'model.ffn' needs the key 'd_ff' (an integer)"},
    {"topk_k", withFfn("    kind: topk\n    d_ff: 8\n    k: 9\n"), 14, 8,
     "'model.ffn.k': K (9) cannot exceed d_ff (8)"},
    {"pkm_k",
     withFfn("    kind: pkm\n    subkeys: 4\n    heads: 1\n"
             "    k: 5\n"),
     15, 8,
     "'model.ffn.k': K (5) cannot exceed subkeys (4): each half keeps its top "
     "K sub-keys (Eq. 8)"},
    {"pkm_activation",
     withFfn("    kind: pkm\n    subkeys: 4\n    heads: 1\n"
             "    k: 2\n    activation: gelu\n"),
     16, 17,
     "'model.ffn.activation': unknown value 'gelu': expected one of "
     "relu, softmax"},
    {"pkm_dense_init",
     withFfn("    kind: pkm\n    subkeys: 4\n    heads: 1\n"
             "    k: 2\n    dense_init: yes\n"),
     16, 17, "'model.ffn.dense_init': expected true or false, got 'yes'"},
    {"pkm_odd_width",
     edit("d_model: 64", "d_model: 63")
             .substr(0, edit("d_model: 64", "d_model: 63").find("  ffn:")) +
         "  ffn: {kind: pkm, subkeys: 4, heads: 1, k: 2}\n",
     11, 15,
     "'model.ffn.kind': product keys split x into two halves: "
     "d_model (63) must be even"},
    {"moe_k", edit("k: 2", "k: 9"), 15, 8,
     "'model.ffn.k': K (9) cannot exceed the number of experts (8)"},
    {"moe_selection", std::string(kBase) + "    selection: hash\n", 16, 16,
     "'model.ffn.selection': unknown value 'hash': expected one of topk, "
     "sinkhorn"},
    {"moe_sinkhorn_softmax",
     std::string(kBase) + "    selection: sinkhorn\n    activation: softmax\n",
     17, 17,
     "'model.ffn.activation': selection: sinkhorn (S-BASE, Eq. "
     "18-19) gates experts with sigmoid"},
    {"moe_iterations_without_sinkhorn",
     std::string(kBase) + "    sinkhorn_iterations: 3\n", 16, 26,
     "'model.ffn.sinkhorn_iterations': only used with selection: sinkhorn"},
    {"moe_expert_dropout", std::string(kBase) + "    expert_dropout: 1\n", 16,
     21, "'model.ffn.expert_dropout': must be in [0, 1), got 1"},
    {"moe_regularizer_without_weight",
     std::string(kBase) + "    regularizer: entropy\n", 16, 18,
     "'model.ffn.regularizer': a regularizer needs its weight: add "
     "regularizer_weight (gamma, Tab. 9)"},
    {"moe_weight_without_regularizer",
     std::string(kBase) + "    regularizer_weight: 0.01\n", 16, 25,
     "'model.ffn.regularizer_weight': only used with regularizer: entropy or "
     "switch"},
    {"moe_init", std::string(kBase) + "    init: xavier\n", 16, 11,
     "'model.ffn.init': unknown value 'xavier': expected one of sigma_moe, "
     "standard"},
    {"mowe_no_buckets", withFfn("    kind: mowe\n    routing_vocab_size: 8\n"),
     12, 5,
     "'model.ffn.buckets': a MoWE layer needs at least one frequency "
     "bucket"},
    {"mowe_empty_buckets",
     withFfn("    kind: mowe\n    routing_vocab_size: 8\n    buckets: []\n"),
     14, 14, "'model.ffn.buckets': expected a non-empty list of buckets"},
    {"mowe_bucket_key",
     withFfn("    kind: mowe\n    routing_vocab_size: 8\n    buckets:\n"
             "      - {routing_ids: 4, blocks: 1, experts_per_block: 4, "
             "expert_size: 8, size: 2}\n"),
     15, 75, "unknown key 'model.ffn.buckets[0].size'"},
    {"mowe_extra_experts",
     withFfn("    kind: mowe\n    routing_vocab_size: 8\n    buckets:\n"
             "      - {routing_ids: 4, blocks: 2, experts_per_block: 4, "
             "expert_size: 8}\n"),
     15, 34,
     "'model.ffn.buckets[0].blocks': 8 experts (2 blocks x 4) for "
     "only 4 routing ids: the extra experts would never be used"},
    {"mowe_coverage",
     withFfn("    kind: mowe\n    routing_vocab_size: 8\n    unrouted: 2\n"
             "    buckets:\n      - {routing_ids: 7, blocks: 1, "
             "experts_per_block: 4, expert_size: 8}\n"),
     13, 25,
     "'model.ffn.routing_vocab_size': unrouted (2) plus the buckets' "
     "routing ids cover 9 ids, more than the 8 of the routing "
     "vocabulary"},
    {"overrides_not_list", std::string(kBase) + "  ffn_overrides: 3\n", 16, 18,
     "'model.ffn_overrides': expected a list of {layers: [...], ffn: {...}}"},
    {"override_layers",
     std::string(kBase) + "  ffn_overrides:\n"
                          "    - {layers: 2, ffn: {kind: "
                          "dense, d_ff: 8}}\n",
     17, 16,
     "'model.ffn_overrides[0].layers': expected a non-empty list of "
     "layer indices"},
    {"override_layer_range",
     std::string(kBase) + "  ffn_overrides:\n"
                          "    - {layers: [4], ffn: {kind: dense, d_ff: 8}}\n",
     17, 17,
     "'model.ffn_overrides[0].layers': expected a layer index in [0, "
     "3], got '4'"},
    {"override_twice",
     std::string(kBase) + "  ffn_overrides:\n"
                          "    - {layers: [1], ffn: {kind: dense, d_ff: 8}}\n"
                          "    - {layers: [1], ffn: {kind: dense, d_ff: 8}}\n",
     18, 17,
     "'model.ffn_overrides[1].layers': layer 1 is already overridden "
     "by ffn_overrides[0]"},
    {"override_no_ffn",
     std::string(kBase) + "  ffn_overrides:\n    - {layers: [1]}\n", 17, 7,
     "'model.ffn_overrides[0]' needs the key 'ffn' (the feed-forward block "
     "of these layers)"},
    {"override_bad_ffn",
     std::string(kBase) + "  ffn_overrides:\n"
                          "    - {layers: [1], ffn: {kind: dense}}\n",
     17, 26, "'model.ffn_overrides[0].ffn' needs the key 'd_ff'"},
    {"training_key", std::string(kBase) + "training: {epochs: 3}\n", 16, 12,
     "unknown key 'training.epochs': 'training' accepts batch_size, steps, "
     "lr, warmup, grad_clip, seed, checkpoint_every, log_every"},
    {"data_key", std::string(kBase) + "data: {corpus: a.txt, size: 3}\n", 16,
     23,
     "unknown key 'data.size': 'data' accepts format, corpus, limit, path, "
     "train, valid, test, text_field"},
    {"subword_without_data",
     edit("  kind: bytes\n", "  kind: sentencepiece\n  vocab_size: 100\n"), 3,
     3,
     "'tokenizer': a sentencepiece tokenizer needs a data section with "
     "format wikitext103 or jsonl"},
    {"subword_empty_model",
     edit("  kind: bytes\n",
          "  kind: sentencepiece\n  vocab_size: 100\n  model: \"\"\n") +
         "data: {format: wikitext103, path: wt}\n",
     5, 10, "'tokenizer.model': expected the path of a SentencePiece model"},
    {"subword_without_format",
     edit("  kind: bytes\n", "  kind: sentencepiece\n  vocab_size: 100\n") +
         "data: {limit: 5}\n",
     17, 7, "'data' needs the key 'format' (wikitext103 or jsonl"},
    {"subword_bytes_format",
     edit("  kind: bytes\n", "  kind: sentencepiece\n  vocab_size: 100\n") +
         "data: {format: bytes}\n",
     17, 16, "a sentencepiece tokenizer reads format wikitext103 or jsonl"},
    {"bytes_jsonl", std::string(kBase) + "data: {format: jsonl, train: [a]}\n",
     16, 16, "'data.format': this format needs a sentencepiece tokenizer"},
    {"jsonl_without_valid",
     edit("  kind: bytes\n", "  kind: sentencepiece\n  vocab_size: 100\n") +
         "data: {format: jsonl, train: [a.json]}\n",
     17, 7, "'data' needs the key 'valid' (a list of JSON-lines files)"},
    {"jsonl_empty_list",
     edit("  kind: bytes\n", "  kind: sentencepiece\n  vocab_size: 100\n") +
         "data: {format: jsonl, train: [], valid: [b]}\n",
     17, 30, "'data.train': expected a non-empty list of file paths"},
    {"wikitext_with_train",
     edit("  kind: bytes\n", "  kind: sentencepiece\n  vocab_size: 100\n") +
         "data: {format: wikitext103, path: wt, train: [a]}\n",
     17, 46, "'data.train': train belongs to format jsonl"},
    {"bytes_training_lines",
     edit("  kind: bytes\n", "  kind: bytes\n  training_lines: 5\n"), 4, 19,
     "'tokenizer.training_lines': only a sentencepiece tokenizer has "
     "training_lines"},
    {"data_corpus", std::string(kBase) + "data: {corpus: \"\"}\n", 16, 16,
     "'data.corpus': expected \"gcide\" or a file path"},
    {"data_limit", std::string(kBase) + "data: {limit: -5}\n", 16, 15,
     "'data.limit': must be at least 0, got -5"},
    {"training_lr", std::string(kBase) + "training: {lr: -1}\n", 16, 16,
     "'training.lr': must be in [0, 1], got -1"},
};

INSTANTIATE_TEST_SUITE_P(Errors, BadDescription, testing::ValuesIn(kBadCases),
                         [](const testing::TestParamInfo<BadCase> &info) {
                           return std::string(info.param.name);
                         });

TEST(ModelDescription, ReportsEveryErrorOfAFile) {
  ReadResult result = parse(edit("dropout: 0.1", "dropout: -1")
                                .append("    init: xavier\nextra: 1\n"));
  ASSERT_FALSE(result.description);
  EXPECT_EQ(result.errors.size(), 3u) << allErrors(result);
  // In file order.
  for (size_t i = 1; i < result.errors.size(); ++i)
    EXPECT_LT(result.errors[i - 1].position.line,
              result.errors[i].position.line);
}

TEST(ModelDescription, BinaryGarbageIsAnErrorNotACrash) {
  std::string garbage;
  for (int i = 0; i < 512; ++i)
    garbage.push_back(static_cast<char>((i * 131 + 7) % 256));
  ReadResult result = parse(garbage);
  EXPECT_FALSE(result.description);
  EXPECT_FALSE(result.errors.empty());
}

} // namespace
