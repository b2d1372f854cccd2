//===- AdjointReference.cpp - plain C++ references of the adjoint ops -----===//

#include "test/reference/AdjointReference.h"

using namespace sieve::reference;

Vec sieve::reference::selectGrad(const Vec &scores, const IVec &indices,
                                 const Vec &grad,
                                 const std::vector<uint8_t> &keep, int64_t n,
                                 int64_t c, int64_t k, bool renormalize) {
  Vec out(n * c, 0.0);
  for (int64_t i = 0; i < n; ++i) {
    auto mask = [&](int64_t j) {
      int32_t e = indices[i * k + j];
      if (e < 0 || e >= c)
        return 0.0;
      return keep.empty() || keep[i * c + e] ? 1.0 : 0.0;
    };
    auto score = [&](int64_t j) {
      int32_t e = indices[i * k + j];
      return e < 0 || e >= c ? 0.0 : scores[i * c + e];
    };
    double sum = 0, weighted = 0;
    for (int64_t j = 0; j < k; ++j) {
      sum += mask(j) * score(j);
      weighted += grad[i * k + j] * mask(j) * score(j);
    }
    for (int64_t j = 0; j < k; ++j) {
      int32_t e = indices[i * k + j];
      if (e < 0 || e >= c)
        continue;
      if (!renormalize)
        out[i * c + e] += mask(j) * grad[i * k + j];
      else if (sum != 0)
        out[i * c + e] += mask(j) * (grad[i * k + j] - weighted / sum) / sum;
    }
  }
  return out;
}

std::pair<Vec, Vec> sieve::reference::productKeyGrad(const Vec &grad,
                                                     const IVec &indices,
                                                     int64_t n, int64_t h,
                                                     int64_t k, int64_t s) {
  Vec da(n * h * s, 0.0), db(n * h * s, 0.0);
  for (int64_t i = 0; i < n * h; ++i)
    for (int64_t j = 0; j < k; ++j) {
      int32_t index = indices[i * k + j];
      if (index < 0 || index >= s * s)
        continue;
      da[i * s + index % s] += grad[i * k + j];
      db[i * s + index / s] += grad[i * k + j];
    }
  return {da, db};
}

Vec sieve::reference::gatherDot(const Vec &grad, const IVec &indices,
                                const Vec &table, int64_t n, int64_t j,
                                int64_t d) {
  Vec out(n * j, 0.0);
  int64_t rows = static_cast<int64_t>(table.size()) / d;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t s = 0; s < j; ++s) {
      int32_t row = indices[i * j + s];
      if (row < 0 || row >= rows)
        continue;
      for (int64_t c = 0; c < d; ++c)
        out[i * j + s] += grad[i * d + c] * table[row * d + c];
    }
  return out;
}

Vec sieve::reference::scatterSum(const Vec &weights, const IVec &indices,
                                 const Vec &grad, int64_t n, int64_t j,
                                 int64_t d, int64_t v) {
  Vec out(v * d, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t s = 0; s < j; ++s) {
      int32_t row = indices[i * j + s];
      if (row < 0 || row >= v)
        continue;
      for (int64_t c = 0; c < d; ++c)
        out[row * d + c] += weights[i * j + s] * grad[i * d + c];
    }
  return out;
}

Vec sieve::reference::pairDot(const Vec &lhs, const Vec &rhs, const Dispatch &d,
                              int64_t k, int64_t width, bool lhsSorted,
                              bool rhsSorted) {
  int64_t pairs = static_cast<int64_t>(d.sortedPairs.size());
  Vec out(pairs, 0.0);
  for (int64_t j = 0; j < d.offsets.back(); ++j) {
    int64_t p = d.sortedPairs[j], token = p / k;
    int64_t a = lhsSorted ? j : token, b = rhsSorted ? j : token;
    for (int64_t c = 0; c < width; ++c)
      out[p] += lhs[a * width + c] * rhs[b * width + c];
  }
  return out;
}

Vec sieve::reference::scaleRows(const Vec &input, const Vec &scale,
                                const Dispatch &d, int64_t k, int64_t width,
                                bool inputSorted, bool outputSorted) {
  int64_t pairs = static_cast<int64_t>(d.sortedPairs.size());
  Vec out((outputSorted ? pairs : pairs / k) * width, 0.0);
  for (int64_t j = 0; j < d.offsets.back(); ++j) {
    int64_t p = d.sortedPairs[j], token = p / k;
    int64_t in = inputSorted ? j : token, row = outputSorted ? j : token;
    for (int64_t c = 0; c < width; ++c)
      out[row * width + c] += scale[p] * input[in * width + c];
  }
  return out;
}
