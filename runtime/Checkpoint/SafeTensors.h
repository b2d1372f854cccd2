//===- SafeTensors.h - checkpoints in the safetensors format --------------===//
//
// The checkpoint format of Hugging Face's safetensors, so that PyTorch (and
// anything else) can read Sieve's weights: an 8-byte little-endian header
// length, a JSON header naming every tensor's dtype, shape and byte range,
// then the raw data. Sieve adds the SHA-256 of the data region to the
// header's `__metadata__` ("sieve.data_sha256") and refuses a file whose
// data does not match it. Files are written atomically (a temporary file in
// the same folder, flushed, then renamed over the target): an interrupted
// write leaves the previous checkpoint intact.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_CHECKPOINT_SAFETENSORS_H
#define SIEVE_RUNTIME_CHECKPOINT_SAFETENSORS_H

#include "runtime/Core/Tensor.h"

#include <map>
#include <string>
#include <vector>

namespace sieve::runtime {

/// The contents of a safetensors file.
struct SafeTensors {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;
};

/// Writes `tensors` (in the given order) and `metadata` to `path`,
/// atomically. Throws Error naming the path when it cannot.
void writeSafeTensors(
    const std::string &path,
    const std::vector<std::pair<std::string, const Tensor *>> &tensors,
    const std::map<std::string, std::string> &metadata = {});

/// Reads a safetensors file; throws Error saying what is wrong and where
/// (truncated file, bad header, overlapping or out-of-range data, unknown
/// dtype, a data checksum that does not match).
SafeTensors readSafeTensors(const std::string &path);

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_CHECKPOINT_SAFETENSORS_H
