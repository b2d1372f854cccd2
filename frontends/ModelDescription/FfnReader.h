//===- FfnReader.h - the `ffn:` mapping of a model description ------------===//

#ifndef SIEVE_FRONTENDS_MODELDESCRIPTION_FFNREADER_H
#define SIEVE_FRONTENDS_MODELDESCRIPTION_FFNREADER_H

#include "frontends/ModelDescription/YamlFields.h"

namespace sieve::model {

/// Reads the feed-forward block `node` (named `where` in messages) of a model
/// of width `dModel`; nullopt, with the reasons reported, when it is invalid.
std::optional<LayerConfig> readFfn(const YAML::Node &node,
                                   const std::string &where, int64_t dModel,
                                   DiagnosticSink &sink);

} // namespace sieve::model

#endif // SIEVE_FRONTENDS_MODELDESCRIPTION_FFNREADER_H
