//===- TextSource.cpp - corpora read a line or a document at a time -------===//

#include "models/lm/TextSource.h"

#include "runtime/Core/Error.h"

#include <nlohmann/json.hpp>
#include <zlib.h>

#include <algorithm>
#include <cstring>

using namespace sieve;
using namespace sieve::lm;

TextSource::TextSource(std::vector<std::string> files, TextFormat format,
                       std::string field, int64_t byteLimit)
    : files(std::move(files)), format(format), field(std::move(field)),
      byteLimit(byteLimit) {}

TextSource::~TextSource() {
  if (current)
    gzclose(static_cast<gzFile>(current));
}

std::string TextSource::where() const {
  size_t index = std::min(fileIndex, files.size() - 1);
  return files.empty() ? "(no files)"
                       : files[index] + ":" + std::to_string(line);
}

bool TextSource::readLine(std::string &out) {
  out.clear();
  while (fileIndex < files.size()) {
    if (!current) {
      // gzopen reads uncompressed files as they are.
      current = gzopen(files[fileIndex].c_str(), "rb");
      if (!current)
        throw runtime::Error("cannot read " + files[fileIndex] + ": " +
                             std::strerror(errno));
      gzbuffer(static_cast<gzFile>(current), 1 << 17);
      line = 0;
    }
    gzFile file = static_cast<gzFile>(current);
    char buffer[1 << 16];
    bool any = false;
    while (gzgets(file, buffer, sizeof buffer)) {
      any = true;
      size_t length = std::strlen(buffer);
      out.append(buffer, length);
      if (length && buffer[length - 1] == '\n')
        break;
    }
    int status = Z_OK;
    const char *message = gzerror(file, &status);
    if (status != Z_OK && status != Z_BUF_ERROR)
      throw runtime::Error(files[fileIndex] + ": damaged or truncated (" +
                           message + ")");
    if (any) {
      ++line;
      if (!out.empty() && out.back() == '\n')
        out.pop_back();
      return true;
    }
    gzclose(file);
    current = nullptr;
    ++fileIndex;
  }
  return false;
}

bool TextSource::next(std::string &text) {
  std::string raw;
  while (!(byteLimit > 0 && bytes >= byteLimit) && readLine(raw)) {
    if (format == TextFormat::Lines) {
      text = std::move(raw);
    } else {
      if (raw.find_first_not_of(" \t\r") == std::string::npos)
        continue;
      nlohmann::json document = nlohmann::json::parse(raw, nullptr, false);
      if (document.is_discarded() || !document.is_object())
        throw runtime::Error(where() + ": not a JSON object");
      auto value = document.find(field);
      if (value == document.end() || !value->is_string())
        throw runtime::Error(where() + ": the document has no string field \"" +
                             field + "\"");
      text = value->get<std::string>();
    }
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
      continue;
    bytes += static_cast<int64_t>(text.size());
    return true;
  }
  return false;
}
