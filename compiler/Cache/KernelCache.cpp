//===- KernelCache.cpp - the content-addressed on-disk kernel cache -------===//

#include "compiler/Cache/KernelCache.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace mlir;
using namespace mlir::sieve;
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

std::string mlir::sieve::sha256Hex(StringRef data) {
  std::array<uint8_t, 32> digest = llvm::SHA256::hash(ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(data.data()), data.size()));
  return llvm::toHex(digest, /*LowerCase=*/true);
}

std::optional<std::string> mlir::sieve::sha256OfFile(StringRef filePath) {
  auto buffer = llvm::MemoryBuffer::getFile(filePath, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return std::nullopt;
  return sha256Hex((*buffer)->getBuffer());
}

std::string KernelCache::defaultDirectory() {
  if (std::optional<std::string> dir =
          llvm::sys::Process::GetEnv("SIEVE_CACHE_DIR"))
    if (!dir->empty())
      return *dir;
  SmallString<256> result;
  if (std::optional<std::string> xdg =
          llvm::sys::Process::GetEnv("XDG_CACHE_HOME");
      xdg && !xdg->empty()) {
    result = *xdg;
  } else if (std::optional<std::string> home =
                 llvm::sys::Process::GetEnv("HOME")) {
    result = *home;
    path::append(result, ".cache");
  } else {
    path::system_temp_directory(/*ErasedOnReboot=*/false, result);
  }
  path::append(result, "sieve");
  return std::string(result);
}

std::string KernelCache::entryDirectory(StringRef key) const {
  SmallString<256> dir(root);
  path::append(dir, key.take_front(2), key);
  return std::string(dir);
}

/// Parses "<sha256>  <file>" lines.
static std::map<std::string, std::string> parseChecksums(StringRef text) {
  std::map<std::string, std::string> sums;
  SmallVector<StringRef> lines;
  text.split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (StringRef line : lines) {
    auto [sum, file] = line.split("  ");
    if (sum.size() == 64 && !file.empty())
      sums[file.str()] = sum.str();
  }
  return sums;
}

std::optional<std::string> KernelCache::lookup(StringRef key,
                                               std::string &note) const {
  std::string dir = entryDirectory(key);
  if (!fs::is_directory(dir))
    return std::nullopt;
  auto reject = [&](const std::string &why) -> std::optional<std::string> {
    note = "cache entry " + dir + " is damaged (" + why + "); rebuilding it";
    (void)fs::remove_directories(dir);
    return std::nullopt;
  };
  SmallString<256> checksumPath(dir);
  path::append(checksumPath, kChecksumFile);
  auto checksums = llvm::MemoryBuffer::getFile(checksumPath);
  if (!checksums)
    return reject(std::string(kChecksumFile) + " is missing");
  std::map<std::string, std::string> sums =
      parseChecksums((*checksums)->getBuffer());
  if (sums.empty())
    return reject(std::string(kChecksumFile) + " lists no file");

  // Every file in the entry must be listed and match its sum.
  std::error_code ec;
  size_t seen = 0;
  for (fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef name = path::filename(it->path());
    if (name == kChecksumFile)
      continue;
    auto expected = sums.find(name.str());
    if (expected == sums.end())
      return reject("unlisted file " + name.str());
    std::optional<std::string> actual = sha256OfFile(it->path());
    if (!actual || *actual != expected->second)
      return reject(name.str() + " does not match its checksum");
    ++seen;
  }
  if (ec || seen != sums.size())
    return reject("a listed file is missing");
  return dir;
}

FailureOr<std::string>
KernelCache::makeStagingDirectory(std::string &error) const {
  SmallString<256> staging(root);
  // createUniqueDirectory puts a relative prefix under the system's
  // temporary folder, not under the working directory.
  fs::make_absolute(staging);
  path::append(staging, "staging");
  if (std::error_code ec = fs::create_directories(staging)) {
    error = "cannot create the kernel cache directory " + std::string(staging) +
            ": " + ec.message();
    return failure();
  }
  path::append(staging, "entry");
  SmallString<256> result;
  if (std::error_code ec = fs::createUniqueDirectory(staging, result)) {
    error =
        "cannot create a staging directory in " + root + ": " + ec.message();
    return failure();
  }
  return std::string(result);
}

FailureOr<std::string> KernelCache::publish(StringRef key, StringRef staged,
                                            std::string &error) const {
  // Record the checksums of every staged file.
  std::string listing;
  std::error_code ec;
  for (fs::directory_iterator it(staged, ec), end; it != end && !ec;
       it.increment(ec)) {
    std::optional<std::string> sum = sha256OfFile(it->path());
    if (!sum) {
      error = "cannot read staged file " + it->path();
      return failure();
    }
    listing += *sum + "  " + path::filename(it->path()).str() + "\n";
  }
  SmallString<256> checksumPath(staged);
  path::append(checksumPath, kChecksumFile);
  {
    llvm::raw_fd_ostream out(checksumPath, ec);
    if (!ec)
      out << listing;
    if (ec || out.has_error()) {
      error = "cannot write " + std::string(checksumPath);
      return failure();
    }
  }

  std::string entry = entryDirectory(key);
  if ((ec = fs::create_directories(path::parent_path(entry)))) {
    error =
        "cannot create " + path::parent_path(entry).str() + ": " + ec.message();
    return failure();
  }
  if ((ec = fs::rename(staged, entry))) {
    // Another compiler published this key first: keep its entry.
    std::string note;
    if (lookup(key, note)) {
      (void)fs::remove_directories(staged);
      return entry;
    }
    error = "cannot publish cache entry " + entry + ": " + ec.message();
    return failure();
  }
  return entry;
}

LogicalResult mlir::sieve::copyDirectoryFiles(StringRef from, StringRef to,
                                              std::string &error) {
  if (std::error_code ec = fs::create_directories(to)) {
    error = "cannot create output directory " + to.str() + ": " + ec.message();
    return failure();
  }
  std::error_code ec;
  for (fs::directory_iterator it(from, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef name = path::filename(it->path());
    SmallString<256> target(to), temporary(to);
    path::append(target, name);
    path::append(temporary, "." + name.str() + ".partial");
    if (std::error_code copyError = fs::copy_file(it->path(), temporary)) {
      error =
          "cannot write " + std::string(temporary) + ": " + copyError.message();
      return failure();
    }
    if (std::error_code renameError = fs::rename(temporary, target)) {
      error =
          "cannot write " + std::string(target) + ": " + renameError.message();
      return failure();
    }
  }
  if (ec) {
    error = "cannot read " + from.str() + ": " + ec.message();
    return failure();
  }
  return success();
}
