//===- Nvrtc.cpp - CUDA C++ to PTX at run time, cached on disk
//-------------===//

#include "runtime/Cuda/Nvrtc.h"

#include "runtime/Core/Error.h"
#include "runtime/Core/Sha256.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

using namespace sieve::runtime;
using namespace sieve::runtime::cuda;
namespace fs = std::filesystem;

namespace {
using nvrtcProgram = struct _nvrtcProgram *;
using nvrtcResult = int;
constexpr const char *kCacheMagic = "sieve-nvrtc-ptx v1 sha256 ";
} // namespace

struct Nvrtc::Api {
  nvrtcResult (*version)(int *, int *);
  nvrtcResult (*createProgram)(nvrtcProgram *, const char *, const char *, int,
                               const char *const *, const char *const *);
  nvrtcResult (*compileProgram)(nvrtcProgram, int, const char *const *);
  nvrtcResult (*getProgramLogSize)(nvrtcProgram, size_t *);
  nvrtcResult (*getProgramLog)(nvrtcProgram, char *);
  nvrtcResult (*getPTXSize)(nvrtcProgram, size_t *);
  nvrtcResult (*getPTX)(nvrtcProgram, char *);
  nvrtcResult (*destroyProgram)(nvrtcProgram *);
  const char *(*getErrorString)(nvrtcResult);
};

std::string sieve::runtime::cuda::cudaToolkitDirectory() {
  for (const char *variable : {"SIEVE_CUDA_TOOLKIT", "CUDA_HOME"})
    if (const char *value = std::getenv(variable); value && *value)
      return value;
  return "/usr/local/cuda";
}

void *sieve::runtime::cuda::openToolkitLibrary(const std::string &name,
                                               const char *overrideVariable,
                                               std::string &errors) {
  std::vector<std::string> candidates = {name + ".13", name + ".12", name,
                                         cudaToolkitDirectory() + "/lib64/" +
                                             name};
  if (const char *path = std::getenv(overrideVariable); path && *path)
    candidates = {path};
  errors.clear();
  for (const std::string &candidate : candidates) {
    if (void *library = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL))
      return library;
    errors += (errors.empty() ? "" : "; ") + std::string(dlerror());
  }
  return nullptr;
}

bool Nvrtc::load(std::string &whyNot) {
  std::string errors;
  library_ = openToolkitLibrary("libnvrtc.so", "SIEVE_NVRTC", errors);
  if (!library_) {
    whyNot =
        "NVRTC (libnvrtc.so from the CUDA toolkit) cannot be loaded: " + errors;
    return false;
  }
  static Api api;
  struct Symbol {
    const char *name;
    void **slot;
  } symbols[] = {
      {"nvrtcVersion", reinterpret_cast<void **>(&api.version)},
      {"nvrtcCreateProgram", reinterpret_cast<void **>(&api.createProgram)},
      {"nvrtcCompileProgram", reinterpret_cast<void **>(&api.compileProgram)},
      {"nvrtcGetProgramLogSize",
       reinterpret_cast<void **>(&api.getProgramLogSize)},
      {"nvrtcGetProgramLog", reinterpret_cast<void **>(&api.getProgramLog)},
      {"nvrtcGetPTXSize", reinterpret_cast<void **>(&api.getPTXSize)},
      {"nvrtcGetPTX", reinterpret_cast<void **>(&api.getPTX)},
      {"nvrtcDestroyProgram", reinterpret_cast<void **>(&api.destroyProgram)},
      {"nvrtcGetErrorString", reinterpret_cast<void **>(&api.getErrorString)},
  };
  for (const Symbol &symbol : symbols) {
    *symbol.slot = dlsym(library_, symbol.name);
    if (!*symbol.slot) {
      whyNot = std::string("NVRTC has no ") + symbol.name;
      return false;
    }
  }
  api_ = &api;
  api.version(&major_, &minor_);
  return true;
}

Nvrtc *Nvrtc::get(std::string *whyNot) {
  static std::once_flag once;
  static Nvrtc *nvrtc = nullptr;
  static std::string reason;
  std::call_once(once, [] {
    auto *candidate = new Nvrtc();
    if (candidate->load(reason))
      nvrtc = candidate;
  });
  if (!nvrtc && whyNot)
    *whyNot = reason;
  return nvrtc;
}

std::string Nvrtc::version() const {
  return std::to_string(major_) + "." + std::to_string(minor_);
}

std::string
Nvrtc::compileUncached(const std::string &source, const std::string &name,
                       const std::vector<std::string> &options) const {
  nvrtcProgram program = nullptr;
  if (nvrtcResult r = api_->createProgram(&program, source.c_str(),
                                          name.c_str(), 0, nullptr, nullptr))
    throw Error("NVRTC cannot create " + name + ": " + api_->getErrorString(r));
  std::vector<const char *> raw;
  for (const std::string &option : options)
    raw.push_back(option.c_str());
  nvrtcResult compiled =
      api_->compileProgram(program, static_cast<int>(raw.size()), raw.data());
  size_t logSize = 0;
  api_->getProgramLogSize(program, &logSize);
  std::string log(logSize, '\0');
  if (logSize)
    api_->getProgramLog(program, log.data());
  if (compiled) {
    api_->destroyProgram(&program);
    throw Error("NVRTC could not compile " + name + " (" +
                api_->getErrorString(compiled) + "):\n" + log);
  }
  size_t ptxSize = 0;
  api_->getPTXSize(program, &ptxSize);
  std::string ptx(ptxSize, '\0');
  api_->getPTX(program, ptx.data());
  api_->destroyProgram(&program);
  if (!ptx.empty() && ptx.back() == '\0')
    ptx.pop_back();
  return ptx;
}

NvrtcResult Nvrtc::compile(const std::string &source, const std::string &name,
                           const std::string &architecture,
                           const std::string &cacheDirectory) const {
  std::string toolkit = cudaToolkitDirectory();
  std::vector<std::string> options = {
      "--gpu-architecture=" + architecture, "--std=c++17",
      "-I" + toolkit + "/include/cccl", "-I" + toolkit + "/include",
      "-default-device"};
  std::string keyText = "nvrtc " + version() + "\n" + source + "\n";
  for (const std::string &option : options)
    keyText += option + "\n";
  std::string key = sha256Hex(keyText);
  fs::path entry = fs::path(cacheDirectory) / "nvrtc" / (key + ".ptx");

  NvrtcResult result;
  if (std::ifstream in(entry, std::ios::binary); in) {
    std::string header, ptx;
    std::getline(in, header);
    std::stringstream rest;
    rest << in.rdbuf();
    ptx = rest.str();
    if (header == kCacheMagic + sha256Hex(ptx)) {
      result.ptx = std::move(ptx);
      result.cacheHit = true;
      return result;
    }
    result.notes.push_back("NVRTC cache entry " + entry.string() +
                           " is damaged; compiling " + name + " again");
  }

  result.ptx = compileUncached(source, name, options);
  // Publish atomically: a temporary file in the same directory, renamed.
  std::error_code ec;
  fs::create_directories(entry.parent_path(), ec);
  fs::path temporary = entry;
  temporary += ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << kCacheMagic << sha256Hex(result.ptx) << "\n" << result.ptx;
    if (!out)
      ec = std::make_error_code(std::errc::io_error);
  }
  if (!ec)
    fs::rename(temporary, entry, ec);
  if (ec) {
    fs::remove(temporary, ec);
    result.notes.push_back("could not cache " + name + " in " +
                           entry.parent_path().string());
  }
  return result;
}
