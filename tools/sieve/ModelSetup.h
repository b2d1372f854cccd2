//===- ModelSetup.h - what the language-model commands share --------------===//
//
// Reading a model description (printing its errors), the default run
// directory, the model with its kernels compiled through the cache, and
// the description's corpus.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_TOOLS_SIEVE_MODELSETUP_H
#define SIEVE_TOOLS_SIEVE_MODELSETUP_H

#include "frontends/ModelDescription/ModelDescription.h"
#include "models/lm/Corpus.h"
#include "models/lm/TransformerXL.h"

#include <memory>
#include <optional>
#include <string>

namespace mlir::sieve::driver {

/// The description at `path`, or nothing after printing its errors.
std::optional<::sieve::model::ModelDescription>
readDescription(const std::string &path);

/// `given`, or runs/<model name> when it is empty.
std::string runDirectory(const std::string &given,
                         const ::sieve::model::ModelDescription &d);

/// The model with its kernels compiled into <run>/kernels (or taken from
/// the cache); throws ::sieve::runtime::Error.
std::unique_ptr<::sieve::lm::TransformerXL>
buildModel(const ::sieve::model::ModelDescription &d, const std::string &run,
           const std::string &cache);

/// The description's corpus; a relative path is relative to the
/// description's folder. A subword corpus trains its tokenizer when needed
/// and keeps its encoded splits under `cache` (or the default cache).
/// Throws ::sieve::runtime::Error.
::sieve::lm::Corpus loadCorpus(const ::sieve::model::ModelDescription &d,
                               const std::string &cache);

} // namespace mlir::sieve::driver

#endif // SIEVE_TOOLS_SIEVE_MODELSETUP_H
