//===- Adam.cpp - Adam with cosine decay and gradient clipping ------------===//

#include "models/lm/Adam.h"

#include "models/lm/Parallel.h"

#include <cmath>

using namespace sieve;
using namespace sieve::lm;

Adam::Adam(Parameters &params, double beta1, double beta2, double epsilon)
    : params(params), beta1(beta1), beta2(beta2), epsilon(epsilon) {
  for (const Parameter &p : params.all()) {
    m.emplace_back(runtime::DType::F32, p.value.shape());
    v.emplace_back(runtime::DType::F32, p.value.shape());
  }
}

double Adam::step(double lr, double clip) {
  double squares = 0;
  for (Parameter &p : params.all()) {
    if (p.frozen)
      continue;
    const float *g = p.gradData();
    const int64_t n = p.numel();
    for (int64_t i = 0; i < n; ++i)
      squares += double(g[i]) * g[i];
  }
  double norm = std::sqrt(squares);
  float scale = clip > 0 && norm > clip ? static_cast<float>(clip / norm) : 1;
  ++count;
  double correction1 = 1.0 - std::pow(beta1, double(count));
  double correction2 = 1.0 - std::pow(beta2, double(count));
  float b1 = static_cast<float>(beta1), b2 = static_cast<float>(beta2);
  size_t index = 0;
  for (Parameter &p : params.all()) {
    if (p.frozen) {
      ++index;
      continue;
    }
    float *w = p.data(), *mm = m[index].data<float>(),
          *vv = v[index].data<float>();
    const float *g = p.gradData();
    // Element by element, so splitting the tensor over the cores changes
    // no result (the large MoWE expert tensors are most of the work).
    auto update = [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        float grad = g[i] * scale;
        mm[i] = b1 * mm[i] + (1 - b1) * grad;
        vv[i] = b2 * vv[i] + (1 - b2) * grad * grad;
        double mhat = mm[i] / correction1, vhat = vv[i] / correction2;
        w[i] -= static_cast<float>(lr * mhat / (std::sqrt(vhat) + epsilon));
      }
    };
    if (p.numel() < (int64_t(1) << 16))
      update(0, p.numel());
    else
      parallelChunks(p.numel(), update);
    ++index;
  }
  return norm;
}

std::map<std::string, runtime::Tensor *> Adam::state() {
  std::map<std::string, runtime::Tensor *> tensors;
  size_t index = 0;
  for (const Parameter &p : params.all()) {
    tensors["adam.m." + p.name] = &m[index];
    tensors["adam.v." + p.name] = &v[index];
    ++index;
  }
  return tensors;
}

double sieve::lm::cosineLearningRate(double base, int64_t step, int64_t total,
                                     int64_t warmup) {
  if (step < warmup)
    return base * double(step + 1) / double(warmup);
  double progress =
      total > warmup ? double(step - warmup) / double(total - warmup) : 1.0;
  return base * 0.5 * (1.0 + std::cos(3.141592653589793 * progress));
}
