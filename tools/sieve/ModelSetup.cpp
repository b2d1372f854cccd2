//===- ModelSetup.cpp - what the language-model commands share ------------===//

#include "tools/sieve/ModelSetup.h"

#include "compiler/Cache/KernelCache.h"
#include "compiler/Driver/ModelKernels.h"
#include "models/lm/SubwordCorpus.h"
#include "runtime/Core/Error.h"

#include <fmt/format.h>

#include <iostream>

namespace lm = ::sieve::lm;
namespace model = ::sieve::model;

std::optional<model::ModelDescription>
mlir::sieve::driver::readDescription(const std::string &path) {
  model::ReadResult result = model::readModelDescription(path);
  for (const model::Diagnostic &error : result.errors)
    fmt::print(stderr, "{}\n", error.str());
  return result.description;
}

std::string
mlir::sieve::driver::runDirectory(const std::string &given,
                                  const model::ModelDescription &d) {
  return given.empty() ? "runs/" + d.name : given;
}

std::unique_ptr<lm::TransformerXL>
mlir::sieve::driver::buildModel(const model::ModelDescription &d,
                                const std::string &run,
                                const std::string &cache) {
  bool hit = false;
  auto kernels =
      mlir::sieve::compileModelKernels(d, run + "/kernels", cache, &hit);
  fmt::print(stderr, "kernels: {} ({})\n", run + "/kernels",
             hit ? "cache hit" : "compiled");
  return std::make_unique<lm::TransformerXL>(d, kernels);
}

lm::Corpus mlir::sieve::driver::loadCorpus(const model::ModelDescription &d,
                                           const std::string &cache) {
  if (d.tokenizer.kind == model::TokenizerKind::SentencePiece)
    return lm::loadSubwordCorpus(
        d, cache.empty() ? KernelCache::defaultDirectory() : cache, std::cerr);
  return lm::loadByteCorpus(d.data.corpus == "gcide"
                                ? d.data.corpus
                                : model::resolvePath(d, d.data.corpus),
                            d.data.limit);
}
