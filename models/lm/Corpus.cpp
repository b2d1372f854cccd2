//===- Corpus.cpp - byte-level corpora, their splits and their batches ----===//

#include "models/lm/Corpus.h"

#include "runtime/Core/Error.h"

#include <zlib.h>

#include <algorithm>

#include <sys/stat.h>

using namespace sieve;
using namespace sieve::lm;

Corpus sieve::lm::loadByteCorpus(const std::string &corpus, int64_t limit) {
  std::string path = corpus == "gcide" ? kGcidePath : corpus;
  struct stat info;
  if (::stat(path.c_str(), &info) != 0)
    throw runtime::Error(corpus == "gcide"
                             ? "the default corpus needs Debian's dict-gcide "
                               "(tools/scripts/setup-deps.sh installs it): " +
                                   path + " is missing"
                             : "corpus " + path + " does not exist");
  // gzopen reads gzip (and dictzip) files and plain files alike.
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file)
    throw runtime::Error("cannot open corpus " + path);
  std::vector<int32_t> bytes;
  unsigned char buffer[1 << 16];
  int got;
  while ((got = gzread(file, buffer, sizeof buffer)) > 0) {
    for (int i = 0; i < got; ++i)
      bytes.push_back(buffer[i]);
    if (limit > 0 && static_cast<int64_t>(bytes.size()) >= limit)
      break;
  }
  int error = 0;
  std::string message = got < 0 ? gzerror(file, &error) : "";
  gzclose(file);
  if (got < 0)
    throw runtime::Error("cannot read corpus " + path + ": " + message);
  if (limit > 0 && static_cast<int64_t>(bytes.size()) > limit)
    bytes.resize(limit);
  return splitCorpus(std::move(bytes), path);
}

Corpus sieve::lm::splitCorpus(std::vector<int32_t> bytes, std::string source) {
  const int64_t enwik8 = 100000000, million = 1000000;
  int64_t n = static_cast<int64_t>(bytes.size());
  int64_t trainSize = n >= enwik8 ? 90 * million : n * 90 / 100;
  int64_t validSize = n >= enwik8 ? 5 * million : n * 5 / 100;
  int64_t testStart = n >= enwik8 ? n - 5 * million : trainSize + validSize;
  if (validSize < 2 || n - testStart < 2)
    throw runtime::Error("corpus " + source + " has " + std::to_string(n) +
                         " bytes: too few for training, validation and "
                         "test splits");
  Corpus corpus;
  corpus.source = std::move(source);
  corpus.train.assign(bytes.begin(), bytes.begin() + trainSize);
  corpus.valid.assign(bytes.begin() + trainSize,
                      bytes.begin() + trainSize + validSize);
  corpus.test.assign(bytes.begin() + testStart, bytes.end());
  return corpus;
}

SegmentStream::SegmentStream(const std::vector<int32_t> &split, int64_t batch,
                             int64_t context)
    : split(split), batch(batch), context(context) {
  streamLength = static_cast<int64_t>(split.size()) / batch;
  // A segment reads context + 1 bytes (inputs and the shifted targets).
  segments = streamLength > context ? (streamLength - 1) / context : 0;
  if (segments == 0)
    throw runtime::Error("a split of " + std::to_string(split.size()) +
                         " tokens is too short for " + std::to_string(batch) +
                         " streams of " + std::to_string(context + 1) +
                         "-token segments");
}

bool SegmentStream::segment(int64_t step, std::vector<int32_t> &inputs,
                            std::vector<int32_t> &targets) const {
  int64_t index = step % segments;
  inputs.resize(batch * context);
  targets.resize(batch * context);
  for (int64_t b = 0; b < batch; ++b) {
    const int32_t *start = split.data() + b * streamLength + index * context;
    for (int64_t i = 0; i < context; ++i) {
      inputs[b * context + i] = start[i];
      targets[b * context + i] = start[i + 1];
    }
  }
  return index == 0;
}

void SegmentStream::routes(int64_t step, const std::vector<int32_t> &routes,
                           std::vector<int32_t> &ids) const {
  if (routes.size() != split.size())
    throw runtime::Error("the split has " + std::to_string(split.size()) +
                         " tokens but " + std::to_string(routes.size()) +
                         " routing ids");
  int64_t index = step % segments;
  ids.resize(batch * context);
  for (int64_t b = 0; b < batch; ++b)
    std::copy_n(routes.data() + b * streamLength + index * context, context,
                ids.data() + b * context);
}
