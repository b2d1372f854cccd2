//===- DeviceTransformerXL.h - the language model as a device program -----===//
//
// TransformerXL's forward and backward, step for step, on a DenseOps
// backend: the parameters, gradients, activations and XL memory live in
// device memory; projections are GEMMs (f32, or bf16 operands with f32
// sums under mixed precision: device::Matmul), attention is
// DeviceAttention, the feed-forward blocks are the bundle's kernels
// (DeviceFeedForward), and every dropout draws the host model's masks. On the
// CUDA backend this is GPU training; on the host backend it is checked against
// TransformerXL (losses, gradients, memory). The parameters' names, shapes and
// initial values come from a host model's Parameters.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_DEVICETRANSFORMERXL_H
#define SIEVE_MODELS_LM_DEVICETRANSFORMERXL_H

#include "models/lm/Device/DeviceAttention.h"
#include "models/lm/Device/DeviceFeedForward.h"
#include "models/lm/Parameters.h"
#include "models/lm/TransformerXL.h"

namespace sieve::lm {

/// Each layer's XL memory on the device (batch x capacity x d_model).
struct DeviceMemory {
  std::vector<std::unique_ptr<device::Buffer>> layers;
  int64_t length = 0, capacity = 0;
};

class DeviceTransformerXL {
public:
  /// The model of `description` with `params`' names, shapes and values
  /// (uploaded), its feed-forward blocks the `kernels` of the same
  /// description compiled for `ops`' backend, its dense GEMMs on
  /// `gemmOperands` (f32 or bf16). Throws runtime::Error.
  DeviceTransformerXL(const model::ModelDescription &description,
                      const Parameters &params,
                      std::shared_ptr<runtime::Bundle> kernels,
                      device::DenseOps &ops, runtime::DType gemmOperands);
  ~DeviceTransformerXL();

  const model::ModelDescription &description() const { return desc; }
  std::vector<device::DeviceParameter> &parameters() { return params; }
  device::DenseOps &operations() { return ops; }
  runtime::DType ffnTensorType() const;
  runtime::DType gemmOperandType() const { return matmul.operandType(); }
  bool needsRoutingIds() const { return routed; }

  /// Copies the host parameters' values to the device, or back.
  void upload(const Parameters &host);
  void download(Parameters &host, bool gradients = false) const;
  void zeroGrads();

  DeviceMemory emptyMemory(int64_t batch, int64_t capacity) const;

  /// TransformerXL::trainSegment on the device: gradients of the mean CE
  /// plus the auxiliary losses are added to the device gradients.
  SegmentLoss trainSegment(const int32_t *inputs, const int32_t *targets,
                           int64_t batch, DeviceMemory &memory, uint64_t seed,
                           uint64_t step, const int32_t *routingIds = nullptr);
  /// TransformerXL::evaluateSegment on the device.
  SegmentLoss evaluateSegment(const int32_t *inputs, const int32_t *targets,
                              int64_t batch, int64_t tokens,
                              DeviceMemory &memory,
                              const int32_t *routingIds = nullptr);

private:
  struct Layer;
  struct Activations;
  device::DeviceParameter &param(const std::string &name);
  SegmentLoss forward(const int32_t *inputs, const int32_t *targets,
                      const int32_t *routingIds, int64_t batch, int64_t tokens,
                      DeviceMemory &memory, bool train, uint64_t seed,
                      uint64_t step, Activations &acts);

  model::ModelDescription desc;
  std::shared_ptr<runtime::Bundle> kernels;
  device::DenseOps &ops;
  device::Matmul matmul;
  std::vector<device::DeviceParameter> params;
  std::vector<Layer> layers;
  int64_t vocab, dModel;
  bool routed = false;
};

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_DEVICETRANSFORMERXL_H
