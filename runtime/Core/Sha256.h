//===- Sha256.h - SHA-256 for checking bundles ----------------------------===//

#ifndef SIEVE_RUNTIME_CORE_SHA256_H
#define SIEVE_RUNTIME_CORE_SHA256_H

#include <cstddef>
#include <string>

namespace sieve::runtime {

/// Lower-case hex SHA-256 (FIPS 180-4) of `data`.
std::string sha256Hex(const std::string &data);
std::string sha256Hex(const void *data, size_t size);
/// Hex SHA-256 of a file's bytes; throws Error when it cannot be read.
std::string sha256OfFile(const std::string &path);

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_CORE_SHA256_H
