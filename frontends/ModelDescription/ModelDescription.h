//===- ModelDescription.h - a language model, as its YAML file says -------===//
//
// One YAML file in models/ says everything about a model (DESIGN.md, "One
// source of truth"): its tokenizer, the Transformer-XL shape, the
// feed-forward block of every layer, and the training hyperparameters. The
// compiler reads it to emit the layers' kernels, the runtime to build and
// train the model. Plain C++: no LLVM, no MLIR. The schema is documented in
// models/README.md.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_FRONTENDS_MODELDESCRIPTION_MODELDESCRIPTION_H
#define SIEVE_FRONTENDS_MODELDESCRIPTION_MODELDESCRIPTION_H

#include "frontends/ModelDescription/LayerConfig.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sieve::model {

/// A position in a model-description file; line and column count from 1.
struct SourcePosition {
  int line = 0, column = 0;
};

/// An error found in a model description, at a position of its file.
struct Diagnostic {
  std::string file;
  SourcePosition position;
  std::string message;

  /// "file:line:column: error: message", as compilers print them.
  std::string str() const;
};

enum class TokenizerKind { Bytes, SentencePiece };

struct TokenizerConfig {
  TokenizerKind kind = TokenizerKind::Bytes;
  int64_t vocabSize = 0;
  /// A trained SentencePiece model, relative to the description's folder;
  /// trained on the training split when the file does not exist yet.
  std::string model;
  /// Lines (documents) of the training split SentencePiece learns from.
  int64_t trainingLines = 1000000;
};

/// The Transformer-XL around the feed-forward blocks (σ-MoE paper Tab. 8).
struct TransformerConfig {
  int64_t dModel = 0, layers = 0, heads = 0, headSize = 0;
  /// Tokens per training segment, and XL memory in training and evaluation.
  int64_t context = 0, memory = 0, evalMemory = 0;
  double dropout = 0.0;
};

/// The feed-forward block of one layer and where the file describes it.
struct FfnBlock {
  LayerConfig config;
  SourcePosition position;
};

/// Adam with cosine decay and gradient clipping (σ-MoE paper App. B).
struct TrainingConfig {
  int64_t batchSize = 64, steps = 100000, warmup = 0;
  double learningRate = 2.5e-4, gradClip = 0.25;
  uint64_t seed = 1;
  /// Steps between checkpoints and between progress lines.
  int64_t checkpointEvery = 1000, logEvery = 10;
};

/// How the corpus is stored: bytes of one file (the Enwik8 setting),
/// WikiText-103's wiki.{train,valid,test}.tokens, or JSON-lines documents
/// (C4, peS2o) with a text field; the latter two for subword tokenizers.
enum class DataFormat { Bytes, WikiText103, JsonLines };

/// The corpus. Bytes: `corpus` is "gcide" (the default: GCIDE, from
/// Debian's dict-gcide) or a file, and `limit` > 0 uses only its first
/// `limit` bytes. WikiText-103: `path` is the folder of its three files.
/// JSON lines: the files of each split (gzip-compressed or not) and the
/// documents' text field. For both, `limit` > 0 reads at most `limit` bytes
/// of text per split. Paths are relative to the description's folder.
struct DataConfig {
  DataFormat format = DataFormat::Bytes;
  std::string corpus = "gcide";
  int64_t limit = 0;
  std::string path;
  std::vector<std::string> train, valid, test;
  std::string textField = "text";
};

/// MoWE's routing vocabulary (MoWE Sec. 2.4; models/lm/RoutingVocabulary.h):
/// the knowledge-rich names its words come from ("gcide-headwords" or a
/// file of names, one per line, relative to the description's folder) and
/// the longest token sequence a routing match considers. The vocabulary is
/// built on the training split; its size is the MoWE block's
/// routing_vocab_size (words plus the tokenizer's 256 bytes).
struct RoutingConfig {
  bool present = false;
  std::string words = "gcide-headwords";
  int64_t maxMatch = 8;
};

struct ModelDescription {
  /// The file it was read from (for diagnostics and relative paths).
  std::string file;
  std::string name, description;
  TokenizerConfig tokenizer;
  TransformerConfig transformer;
  /// One entry per layer, in order.
  std::vector<FfnBlock> ffn;
  TrainingConfig training;
  DataConfig data;
  RoutingConfig routing;
};

/// A model description, or the errors that prevented reading it.
struct ReadResult {
  std::optional<ModelDescription> description;
  std::vector<Diagnostic> errors;
};

/// Parses `text` as the model description of `file` (named in diagnostics).
/// Every error is reported, with its position; unknown keys are errors.
ReadResult parseModelDescription(const std::string &text,
                                 const std::string &file);

/// Reads and parses the file at `path`.
ReadResult readModelDescription(const std::string &path);

/// The distinct feed-forward configurations of `model`, in order of first
/// use, with the layers using each.
struct DistinctFfn {
  FfnBlock block;
  std::vector<int64_t> layers;
};
std::vector<DistinctFfn> distinctFfnBlocks(const ModelDescription &model);

/// The layers whose block is MoWE; they share one set of expert weights.
std::vector<int64_t> moweLayers(const ModelDescription &model);

/// `path` as the description means it: a relative path is relative to the
/// description's folder.
std::string resolvePath(const ModelDescription &model, const std::string &path);

} // namespace sieve::model

#endif // SIEVE_FRONTENDS_MODELDESCRIPTION_MODELDESCRIPTION_H
