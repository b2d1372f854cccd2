//===- DeviceTraining.h - a training run's state on a device --------------===//
//
// What `sieve train --device cuda` keeps on the GPU between steps: the
// device program of the model (its parameters and gradients), Adam's
// moments and the XL memory. The training loop (Trainer.cpp) stays the
// host's; checkpoints are written from the host objects, which this
// state is copied into before each save and from after a resume, so a
// GPU run's checkpoint is the same file a CPU run writes.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_DEVICETRAINING_H
#define SIEVE_MODELS_LM_DEVICETRAINING_H

#include "models/lm/Adam.h"
#include "models/lm/Checkpoint.h"
#include "models/lm/DeviceTransformerXL.h"

namespace sieve::lm {

class DeviceTraining {
public:
  DeviceTraining(DeviceTransformerXL &program, int64_t batch,
                 int64_t memoryCapacity, double beta1 = 0.9,
                 double beta2 = 0.999, double epsilon = 1e-8);

  DeviceTransformerXL &program() { return program_; }

  /// The host's parameters, Adam's moments and step count, and memory, to
  /// the device; `download` the other way.
  void upload(TransformerXL &host, Adam &adam, const TrainingState &state);
  void download(TransformerXL &host, Adam &adam, TrainingState &state);

  /// One segment with fresh gradients (TransformerXL::trainSegment).
  SegmentLoss trainSegment(const int32_t *inputs, const int32_t *targets,
                           int64_t batch, uint64_t seed, uint64_t step,
                           const int32_t *routingIds);
  /// A new pass over the data: the memory is stale.
  void forgetMemory() { memory_.length = 0; }
  /// Adam::step on the device: clips to the global norm `clip` and steps
  /// with `lr`, leaving out the host's frozen parameters. Returns the norm.
  double adamStep(double lr, double clip, const Parameters &host);

private:
  DeviceTransformerXL &program_;
  std::vector<std::unique_ptr<device::Buffer>> m_, v_;
  DeviceMemory memory_;
  double beta1_, beta2_, epsilon_;
  int64_t count_ = 0;
};

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_DEVICETRAINING_H
