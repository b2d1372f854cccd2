//===- SafeTensors.cpp - checkpoints in the safetensors format ------------===//

#include "runtime/Checkpoint/SafeTensors.h"

#include "runtime/Core/Error.h"
#include "runtime/Core/Sha256.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <unistd.h>

using namespace sieve::runtime;
using json = nlohmann::json;

namespace {

constexpr const char *kChecksumKey = "sieve.data_sha256";

const char *safetensorsName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "F32";
  case DType::F16:
    return "F16";
  case DType::BF16:
    return "BF16";
  case DType::I32:
    return "I32";
  case DType::I64:
    return "I64";
  case DType::I1:
    return "BOOL";
  }
  return "F32";
}

std::optional<DType> dtypeFromSafetensors(const std::string &name) {
  for (DType dtype :
       {DType::F32, DType::F16, DType::BF16, DType::I32, DType::I64, DType::I1})
    if (name == safetensorsName(dtype))
      return dtype;
  return std::nullopt;
}

/// Writes all of `data` to `fd`; false on error.
bool writeAll(int fd, const void *data, size_t size) {
  const char *bytes = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t written = ::write(fd, bytes, size);
    if (written <= 0)
      return false;
    bytes += written;
    size -= static_cast<size_t>(written);
  }
  return true;
}

std::string directoryOf(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash + 1);
}

} // namespace

void sieve::runtime::writeSafeTensors(
    const std::string &path,
    const std::vector<std::pair<std::string, const Tensor *>> &tensors,
    const std::map<std::string, std::string> &metadata) {
  json header = json::object();
  std::string data;
  size_t total = 0;
  for (const auto &[name, tensor] : tensors)
    total += tensor->bytes();
  data.reserve(total);
  for (const auto &[name, tensor] : tensors) {
    if (name == "__metadata__" || header.contains(name))
      throw Error("checkpoint " + path + ": tensor name '" + name +
                  "' is reserved or repeated");
    size_t begin = data.size();
    data.append(static_cast<const char *>(tensor->raw()), tensor->bytes());
    header[name] = {{"dtype", safetensorsName(tensor->dtype())},
                    {"shape", tensor->shape()},
                    {"data_offsets", {begin, data.size()}}};
  }
  json meta = json::object();
  for (const auto &[key, value] : metadata)
    meta[key] = value;
  meta[kChecksumKey] = sha256Hex(data.data(), data.size());
  header["__metadata__"] = meta;
  std::string headerText = header.dump();
  // safetensors pads the header with spaces to a multiple of 8 bytes.
  headerText.append((8 - headerText.size() % 8) % 8, ' ');
  uint64_t headerSize = headerText.size();
  unsigned char sizeBytes[8];
  for (int i = 0; i < 8; ++i)
    sizeBytes[i] = static_cast<unsigned char>(headerSize >> (8 * i));

  std::string temporary = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    throw Error("checkpoint " + path + ": cannot create " + temporary + ": " +
                std::strerror(errno));
  bool ok = writeAll(fd, sizeBytes, 8) &&
            writeAll(fd, headerText.data(), headerText.size()) &&
            writeAll(fd, data.data(), data.size()) && ::fsync(fd) == 0;
  int savedErrno = errno;
  ok = (::close(fd) == 0) && ok;
  if (!ok) {
    ::unlink(temporary.c_str());
    throw Error("checkpoint " + path + ": cannot write " + temporary + ": " +
                std::strerror(savedErrno));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    int renameErrno = errno;
    ::unlink(temporary.c_str());
    throw Error("checkpoint " + path + ": cannot rename " + temporary +
                " into place: " + std::strerror(renameErrno));
  }
  // Make the rename itself durable.
  int dir = ::open(directoryOf(path).c_str(), O_RDONLY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

SafeTensors sieve::runtime::readSafeTensors(const std::string &path) {
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    throw Error("checkpoint " + path +
                ": cannot open: " + std::strerror(errno));
  std::string bytes;
  char buffer[1 << 16];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0)
    bytes.append(buffer, got);
  bool readError = std::ferror(file);
  std::fclose(file);
  auto fail = [&](const std::string &problem) -> Error {
    return Error("checkpoint " + path +
                 " is corrupt or not a safetensors "
                 "file: " +
                 problem);
  };
  if (readError)
    throw Error("checkpoint " + path + ": read error");
  if (bytes.size() < 8)
    throw fail("it has " + std::to_string(bytes.size()) +
               " bytes, fewer than the 8-byte header length");
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = (headerSize << 8) | static_cast<unsigned char>(bytes[i]);
  if (headerSize > bytes.size() - 8)
    throw fail("the header length " + std::to_string(headerSize) +
               " exceeds the file (" + std::to_string(bytes.size()) +
               " bytes; truncated?)");
  json header;
  try {
    header = json::parse(bytes.substr(8, headerSize));
  } catch (const json::exception &e) {
    throw fail(std::string("the header is not valid JSON (") + e.what() + ")");
  }
  if (!header.is_object())
    throw fail("the header is not a JSON object");
  const char *data = bytes.data() + 8 + headerSize;
  size_t dataSize = bytes.size() - 8 - headerSize;

  SafeTensors result;
  if (header.contains("__metadata__")) {
    const json &meta = header.at("__metadata__");
    if (!meta.is_object())
      throw fail("__metadata__ is not an object");
    for (const auto &[key, value] : meta.items()) {
      if (!value.is_string())
        throw fail("__metadata__." + key + " is not a string");
      result.metadata[key] = value.get<std::string>();
    }
  }
  auto checksum = result.metadata.find(kChecksumKey);
  if (checksum != result.metadata.end() &&
      checksum->second != sha256Hex(data, dataSize))
    throw fail("its data does not match the SHA-256 in its header "
               "(truncated or altered)");

  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const auto &[name, entry] : header.items()) {
    if (name == "__metadata__")
      continue;
    std::string where = "tensor '" + name + "'";
    if (!entry.is_object() || !entry.contains("dtype") ||
        !entry.contains("shape") || !entry.contains("data_offsets"))
      throw fail(where + " needs dtype, shape and data_offsets");
    const json &dtypeName = entry.at("dtype");
    std::optional<DType> dtype =
        dtypeName.is_string()
            ? dtypeFromSafetensors(dtypeName.get<std::string>())
            : std::nullopt;
    if (!dtype)
      throw fail(where + " has an unsupported dtype " + dtypeName.dump());
    std::vector<int64_t> shape;
    int64_t elements = 1;
    for (const json &size : entry.at("shape")) {
      if (!size.is_number_integer() || size.get<int64_t>() < 0)
        throw fail(where + " has a bad shape " + entry.at("shape").dump());
      shape.push_back(size.get<int64_t>());
      elements *= shape.back();
    }
    const json &offsets = entry.at("data_offsets");
    if (!offsets.is_array() || offsets.size() != 2 ||
        !offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned())
      throw fail(where + " has bad data_offsets " + offsets.dump());
    uint64_t begin = offsets[0], end = offsets[1];
    if (begin > end || end > dataSize)
      throw fail(where + " has data_offsets [" + std::to_string(begin) + ", " +
                 std::to_string(end) + "] outside the " +
                 std::to_string(dataSize) + " data bytes");
    if (end - begin != elements * byteSize(*dtype))
      throw fail(where + " holds " + std::to_string(end - begin) +
                 " bytes but its shape and dtype need " +
                 std::to_string(elements * byteSize(*dtype)));
    ranges.push_back({begin, end});
    Tensor tensor(*dtype, shape);
    std::memcpy(tensor.raw(), data + begin, end - begin);
    result.tensors.emplace(name, std::move(tensor));
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].first < ranges[i - 1].second)
      throw fail("two tensors' data overlap");
  return result;
}
