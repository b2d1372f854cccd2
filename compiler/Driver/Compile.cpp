//===- Compile.cpp - compile a module of layers into a kernel bundle ------===//

#include "compiler/Driver/Compile.h"

#include "compiler/Bundle/Manifest.h"
#include "compiler/Cache/KernelCache.h"
#include "compiler/Conversion/SieveToGPU/TiledGemm.h"
#include "compiler/Conversion/SieveToVector/GemmTunables.h"
#include "compiler/Pipelines/Stages.h"
#include "compiler/Target/Cuda/CudaTarget.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace mlir;
using namespace mlir::sieve;
namespace path = llvm::sys::path;

const std::string &mlir::sieve::compilerBuildId() {
  static const std::string id = [] {
    std::string exe = llvm::sys::fs::getMainExecutable(
        nullptr, reinterpret_cast<void *>(&compilerBuildId));
    std::optional<std::string> sum = sha256OfFile(exe);
    // Without a readable executable, fall back to its path: the cache then
    // still separates different installations.
    return sum ? *sum : sha256Hex(exe);
  }();
  return id;
}

namespace {

/// The tiles the default variant of the GPU kernels was generated with.
std::vector<std::pair<std::string, int64_t>> gpuTunables(StringRef precision,
                                                         StringRef tiles) {
  GemmTileConfig config =
      GemmTileConfig::parse(tiles.split(',').first).value_or(GemmTileConfig());
  config.precision = parseGemmPrecision(precision).value_or(GemmPrecision::F32);
  return {{"cvmm_warps_m", config.warpsM},
          {"cvmm_warps_n", config.warpsN},
          {"cvmm_k_tile", config.kTile},
          {"cvmm_stages", config.stages},
          {"cvmm_split_k", config.splitK},
          {"cvmm_tensor_core_k", config.kStep()},
          // 0 f32, 1 tf32, 2 f16, 3 bf16 (the order of getGpuPrecisions()).
          {"cvmm_precision", static_cast<int64_t>(config.precision)}};
}

/// Adds to each entry point the variants sieve-expand-gpu-tile-variants
/// made of it (found in the module after the "loops" stage).
void recordVariants(ModuleOp module, std::vector<EntryPoint> &entryPoints) {
  std::map<std::string, std::vector<EntryVariant>> variants;
  for (auto func : module.getOps<func::FuncOp>()) {
    auto tiles = func->getAttrOfType<StringAttr>(kGpuTilesAttrName);
    if (!tiles)
      continue;
    auto of = func->getAttrOfType<StringAttr>(kVariantOfAttrName);
    std::string base = of ? of.str() : func.getName().str();
    variants[base].push_back(
        {"_mlir_ciface_" + func.getName().str(), tiles.str()});
  }
  for (EntryPoint &entry : entryPoints) {
    auto found = variants.find(entry.name);
    if (found != variants.end())
      entry.variants = found->second;
  }
}

/// What the bundle's code is for: the host CPU, and the GPU when there is
/// one.
std::string describeTarget(const HostTarget &host, StringRef target) {
  if (!isGpuTarget(target))
    return host.describe();
  return CudaTarget{target.str()}.describe() + "; host " + host.describe();
}

} // namespace

std::string mlir::sieve::bundleCacheKey(ModuleOp module, const HostTarget &host,
                                        StringRef target,
                                        StringRef gpuPrecision,
                                        StringRef gpuTiles,
                                        StringRef gpuDispatch) {
  std::string text;
  llvm::raw_string_ostream keyText(text);
  keyText << "sieve-bundle v" << kBundleFormatVersion << "\n";
  keyText << "compiler " << compilerBuildId() << "\n";
  keyText << "target " << target << ": " << describeTarget(host, target)
          << " cvmm " << gpuPrecision << " tiles " << gpuTiles << " dispatch "
          << gpuDispatch << "\n";
  for (const Stage &stage :
       getStages(target, gpuPrecision, gpuTiles, gpuDispatch))
    keyText << "stage " << stage.name << ": " << stage.pipeline << "\n";
  module->print(keyText, OpPrintingFlags().printGenericOpForm());
  return sha256Hex(text);
}

namespace {

/// Runs the stages, describing the entry points at the tensor level, and
/// writes kernels.so and manifest.json into `staging`.
LogicalResult buildBundle(ModuleOp module, const HostTarget &target,
                          StringRef key, const CompileOptions &options,
                          StringRef staging) {
  bool gpu = isGpuTarget(options.target);
  std::vector<EntryPoint> entryPoints;
  bool described = true;
  LogicalResult ran = runStages(
      module, "",
      [&](const Stage &stage, unsigned, ModuleOp stageModule) {
        if (stage.name == "loops" && described)
          recordVariants(stageModule, entryPoints);
        if (stage.name != "primitives")
          return;
        FailureOr<std::vector<EntryPoint>> entries =
            describeEntryPoints(stageModule);
        described = succeeded(entries);
        if (described)
          entryPoints = std::move(*entries);
      },
      options.target, options.gpuPrecision, options.gpuTiles,
      options.gpuDispatch);
  if (failed(ran) || !described)
    return failure();

  SmallString<256> object(staging), library(staging), manifestPath(staging);
  path::append(object, "kernels.o");
  path::append(library, kHostLibraryFile);
  path::append(manifestPath, kManifestFile);
  std::vector<std::string> ptxFiles;
  if (gpu && failed(writePtxFiles(module, staging, ptxFiles)))
    return failure();
  if (failed(emitObjectFile(module, target, object)))
    return failure();
  std::string error;
  if (failed(linkSharedLibrary(object, library, error, /*openmp=*/!gpu)))
    return module.emitError() << error;
  (void)llvm::sys::fs::remove(object);

  std::optional<std::string> librarySum = sha256OfFile(library);
  // untested-diagnostic: the library was just written by the linker.
  if (!librarySum)
    return module.emitError() << "cannot read back " << library;
  BundleManifest manifest{
      options.target,
      describeTarget(target, options.target),
      kHostLibraryFile,
      *librarySum,
      key.str(),
      options.source,
      entryPoints,
      gpu ? gpuTunables(options.gpuPrecision, options.gpuTiles)
          : GemmTunables().list(),
      ptxFiles};
  std::error_code ec;
  llvm::raw_fd_ostream out(manifestPath, ec);
  if (!ec)
    out << renderManifest(manifest);
  // untested-diagnostic: the staging directory was just created.
  if (ec || out.has_error())
    return module.emitError() << "cannot write " << manifestPath;
  return success();
}

} // namespace

FailureOr<CompileOutcome>
mlir::sieve::compileToBundle(ModuleOp module, const CompileOptions &options) {
  std::string cpu = options.hostCpu;
  if (cpu.empty() && isGpuTarget(options.target))
    cpu = "x86-64-v3";
  std::optional<HostTarget> named;
  if (!cpu.empty()) {
    std::string error;
    named = HostTarget::named(cpu, error);
    if (!named)
      return module.emitError() << "--host-cpu: " << error;
  }
  HostTarget target = named ? *named : HostTarget::detect();
  if (isGpuTarget(options.target) && !llvm::sys::fs::exists(libdevicePath()))
    return module.emitError()
           << "compiling for " << options.target << " needs the CUDA "
           << "toolkit's libdevice, which is not at " << libdevicePath()
           << " (set CUDA_HOME or SIEVE_CUDA_TOOLKIT)";
  KernelCache cache(options.cacheDirectory.empty()
                        ? KernelCache::defaultDirectory()
                        : options.cacheDirectory);
  CompileOutcome outcome;
  outcome.cacheKey = bundleCacheKey(module, target, options.target,
                                    options.gpuPrecision, options.gpuTiles);

  std::string note;
  std::optional<std::string> entry = cache.lookup(outcome.cacheKey, note);
  if (!note.empty())
    outcome.notes.push_back(note);
  if (entry) {
    outcome.cacheHit = true;
    outcome.cacheEntry = *entry;
  } else {
    std::string error;
    FailureOr<std::string> staging = cache.makeStagingDirectory(error);
    if (failed(staging))
      return module.emitError() << error;
    // Compile a copy: the caller's module stays at the layer level.
    OwningOpRef<ModuleOp> work(module.clone());
    if (failed(
            buildBundle(*work, target, outcome.cacheKey, options, *staging))) {
      (void)llvm::sys::fs::remove_directories(*staging);
      return failure();
    }
    FailureOr<std::string> published =
        cache.publish(outcome.cacheKey, *staging, error);
    if (failed(published))
      return module.emitError() << error;
    outcome.cacheEntry = *published;
  }

  std::string error;
  if (failed(copyDirectoryFiles(outcome.cacheEntry, options.outputDirectory,
                                error)))
    return module.emitError() << error;
  return outcome;
}
