//===- ModelSetup.h - what the language-model commands share --------------===//
//
// Reading a model description (printing its errors), the default run
// directory, the model with its kernels compiled through the cache, and
// the description's corpus.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_TOOLS_SIEVE_MODELSETUP_H
#define SIEVE_TOOLS_SIEVE_MODELSETUP_H

#include "frontends/ModelDescription/ModelDescription.h"
#include "models/lm/Corpus.h"
#include "models/lm/DeviceTransformerXL.h"
#include "models/lm/RoutingVocabulary.h"
#include "models/lm/TransformerXL.h"
#include "runtime/Cuda/GpuExecutor.h"
#include "runtime/Tuning/TuningDatabase.h"

#include <memory>
#include <optional>
#include <string>

namespace mlir::sieve::driver {

/// The description at `path`, or nothing after printing its errors.
std::optional<::sieve::model::ModelDescription>
readDescription(const std::string &path);

/// `given`, or runs/<model name> when it is empty.
std::string runDirectory(const std::string &given,
                         const ::sieve::model::ModelDescription &d);

/// The model with its kernels compiled into <run>/kernels (or taken from
/// the cache); with `precision` bf16 they compute on bf16 tensors (mixed
/// precision) and go to <run>/kernels-bf16, for a GPU `target` to
/// <run>/kernels-<target>[-bf16]. Throws ::sieve::runtime::Error.
std::unique_ptr<::sieve::lm::TransformerXL>
buildModel(const ::sieve::model::ModelDescription &d, const std::string &run,
           const std::string &cache,
           ::sieve::runtime::DType precision = ::sieve::runtime::DType::F32,
           const std::string &target = "host");

/// Where `sieve train`/`eval` run the model: the host model (cpu), its
/// device program on the GPU (cuda), or that program on the host backend
/// (emulated: slow, for checking GPU training's program without a GPU).
enum class RunDevice { Cpu, Cuda, Emulated };
/// The --device value, or nothing after printing an error naming
/// `command`.
std::optional<RunDevice> parseDevice(const std::string &text,
                                     const char *command);

/// A model's device program and what it runs on.
struct DeviceSetup {
  std::unique_ptr<::sieve::runtime::cuda::GpuExecutor> executor;
  std::unique_ptr<::sieve::runtime::TuningDatabase> database;
  std::unique_ptr<::sieve::lm::device::DenseOps> ops;
  std::unique_ptr<::sieve::lm::DeviceTransformerXL> program;
};

/// For --device cuda, before anything is compiled or written: opens the
/// GPU and returns its kernels' target (sm_80, sm_90a). Throws
/// ::sieve::runtime::Error saying why there is no usable GPU.
std::string openGpu(DeviceSetup &setup);

/// The device program of `model` (its parameters uploaded) on the GPU
/// `setup` opened or, for emulated, the host backend. On the GPU, bundle
/// variants follow the tuning database at `tuningDatabase` (or the
/// default one); `deterministic` runs recorded choices only. Prints what
/// it runs on. Throws ::sieve::runtime::Error.
void buildDeviceProgram(DeviceSetup &setup, RunDevice device,
                        ::sieve::lm::TransformerXL &model,
                        const std::string &tuningDatabase, bool deterministic);

/// The --precision of `sieve train` and `sieve eval`: f32 or bf16; prints
/// an error naming `command` and returns nothing for anything else.
std::optional<::sieve::runtime::DType> parsePrecision(const std::string &text,
                                                      const char *command);

/// The description's corpus; a relative path is relative to the
/// description's folder. A subword corpus trains its tokenizer when needed
/// and keeps its encoded splits under `cache` (or the default cache).
/// Throws ::sieve::runtime::Error.
::sieve::lm::Corpus loadCorpus(const ::sieve::model::ModelDescription &d,
                               const std::string &cache);

/// What routing a MoWE model's corpus found (nothing for other models).
struct RoutingSummary {
  bool routed = false;
  double tokensPerSecond = 0, seconds = 0, meanActiveWidth = 0;
  std::vector<double> bucketShares;          // unrouted first, then each bucket
  ::sieve::lm::RoutingVocabulary vocabulary; // the one the corpus was routed by
};

/// For a MoWE description: the run's routing vocabulary (built and saved
/// when `build` and the run has none; copied from `from` when given), then
/// every split's routing ids; prints what it did to stderr. Throws
/// ::sieve::runtime::Error.
RoutingSummary prepareRouting(const ::sieve::model::ModelDescription &d,
                              ::sieve::lm::Corpus &corpus,
                              const std::string &run, bool build,
                              const std::string &from = "");

} // namespace mlir::sieve::driver

#endif // SIEVE_TOOLS_SIEVE_MODELSETUP_H
