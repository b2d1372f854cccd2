//===- DeviceAttentionTest.cpp - the device program of attention, on host -===//
//
// The relative attention of GPU training (DeviceAttention: strided-batched
// GEMMs over head-major tensors, the softmax and dropout kernels) run on
// the host backend against the host model's attention (RelativeAttention:
// OpenBLAS per (stream, head) pair), with memory, several streams and
// attention dropout: the output, the input gradient and every weight
// gradient agree to float rounding; with bf16 GEMM operands (mixed
// precision), to what bf16 allows. On a GPU, the CUDA backend is checked
// against the host backend (sieve-gpu-lm-tests).
//
//===----------------------------------------------------------------------===//

#include "models/lm/Device/DeviceAttention.h"
#include "models/lm/Device/HostDenseOps.h"
#include "models/lm/RelativeAttention.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace sieve;
using namespace sieve::lm;

namespace {

struct DeviceArray {
  std::unique_ptr<device::Buffer> buffer;
  device::Address address() const { return buffer->address(); }
  float *data() const { return reinterpret_cast<float *>(buffer->address()); }
};

DeviceArray onDevice(device::DenseOps &ops, const std::vector<float> &values) {
  DeviceArray array{
      ops.allocate(runtime::DType::F32, static_cast<int64_t>(values.size()))};
  ops.copyIn(array.address(), values.data(), values.size() * sizeof(float));
  return array;
}

double relativeError(const float *actual, const std::vector<float> &expected) {
  double largest = 0, error = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    largest = std::max(largest, double(std::fabs(expected[i])));
    error = std::max(error, double(std::fabs(actual[i] - expected[i])));
  }
  return error / std::max(largest, 1e-30);
}

/// The device attention with `operands` GEMM operands against the host's
/// f32 attention; returns the largest relative error of any output.
double compareWithHost(runtime::DType operands, double tolerance) {
  const AttentionShape shape{
      /*batch=*/3,   /*tokens=*/5, /*memory=*/4,
      /*dModel=*/12, /*heads=*/2,  /*headSize=*/6};
  const int64_t B = shape.batch, T = shape.tokens, S = shape.keys(),
                D = shape.dModel, H = shape.heads, dh = shape.headSize,
                HD = shape.width();
  const double dropout = 0.25;
  const uint64_t seed = 21, stream = 5;
  std::mt19937 rng(13);
  std::normal_distribution<float> normal(0.0f, 0.5f);
  auto random = [&](int64_t n) {
    std::vector<float> v(n);
    for (float &x : v)
      x = normal(rng);
    return v;
  };
  std::vector<float> a = random(B * S * D), dout = random(B * T * D);
  std::vector<float> positions = sinusoidPositions(S, D);
  // wq, wk, wv, wr, wo, u, v.
  std::vector<std::vector<float>> weights = {
      random(D * HD), random(D * HD), random(D * HD), random(D * HD),
      random(HD * D), random(H * dh), random(H * dh)};
  std::vector<std::vector<float>> hostGrads;
  for (const auto &w : weights)
    hostGrads.emplace_back(w.size(), 0.0f);
  auto hostWeights = [](std::vector<std::vector<float>> &v) {
    return lm::AttentionWeights{v[0].data(), v[1].data(), v[2].data(),
                                v[3].data(), v[4].data(), v[5].data(),
                                v[6].data()};
  };

  std::vector<float> hostOut(B * T * D), hostDa(B * S * D, 0.0f);
  AttentionCache hostCache;
  attentionForward(hostOut.data(), a.data(), positions.data(),
                   hostWeights(weights), shape, dropout, seed, stream,
                   hostCache);
  attentionBackward(hostDa.data(), hostWeights(hostGrads), dout.data(),
                    a.data(), positions.data(), hostWeights(weights), shape,
                    dropout, seed, stream, hostCache);

  device::HostDenseOps ops;
  DeviceArray dA = onDevice(ops, a), dPositions = onDevice(ops, positions),
              dDout = onDevice(ops, dout),
              out = onDevice(ops, std::vector<float>(B * T * D, 0.0f)),
              da = onDevice(ops, std::vector<float>(B * S * D, 0.0f));
  std::vector<DeviceArray> dWeights, dGrads;
  for (size_t i = 0; i < weights.size(); ++i) {
    dWeights.push_back(onDevice(ops, weights[i]));
    dGrads.push_back(
        onDevice(ops, std::vector<float>(weights[i].size(), 0.0f)));
  }
  auto deviceWeights = [](const std::vector<DeviceArray> &v) {
    return device::AttentionWeights{
        v[0].address(), v[1].address(), v[2].address(), v[3].address(),
        v[4].address(), v[5].address(), v[6].address()};
  };
  device::Matmul matmul(ops, operands);
  device::AttentionCache cache;
  device::attentionForward(matmul, out.address(), dA.address(),
                           dPositions.address(), deviceWeights(dWeights), shape,
                           dropout, seed, stream, cache);
  device::attentionBackward(matmul, da.address(), deviceWeights(dGrads),
                            dDout.address(), dPositions.address(),
                            deviceWeights(dWeights), shape, dropout, seed,
                            stream, cache);

  double largest = std::max(relativeError(out.data(), hostOut),
                            relativeError(da.data(), hostDa));
  EXPECT_LT(relativeError(out.data(), hostOut), tolerance);
  EXPECT_LT(relativeError(da.data(), hostDa), tolerance);
  const char *names[] = {"wq", "wk", "wv", "wr", "wo", "u", "v"};
  for (size_t i = 0; i < weights.size(); ++i) {
    double error = relativeError(dGrads[i].data(), hostGrads[i]);
    EXPECT_LT(error, tolerance) << names[i];
    largest = std::max(largest, error);
  }
  // The dropout is on and the memory is used: not a trivial agreement.
  EXPECT_GT(*std::max_element(hostDa.begin(), hostDa.begin() + 4 * D), 0.0f);
  return largest;
}

} // namespace

TEST(DeviceAttentionTest, MatchesTheHostAttentionForwardAndBackward) {
  compareWithHost(runtime::DType::F32, 1e-5);
}

TEST(DeviceAttentionTest, Bf16OperandsStayWithinBf16OfTheHostAttention) {
  // bf16 keeps 8 significant bits (rounding up to 2^-8 = 3.9e-3); the
  // products chain four GEMMs deep, and these random weights make the
  // softmax sharp. Measured: 1.3e-2 at most.
  double error = compareWithHost(runtime::DType::BF16, 2e-2);
  // The operands were rounded: not the f32 program again.
  EXPECT_GT(error, 1e-4);
}
