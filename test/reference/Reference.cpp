//===- Reference.cpp - plain C++ references of every op and layer ---------===//

#include "test/reference/Reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

using namespace sieve::reference;

Vec sieve::reference::matmul(const Vec &x, const Vec &w, int64_t n, int64_t m,
                             int64_t l) {
  Vec y(n * l, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t p = 0; p < m; ++p)
      for (int64_t j = 0; j < l; ++j)
        y[i * l + j] += x[i * m + p] * w[p * l + j];
  return y;
}

Vec sieve::reference::relu(Vec x) {
  for (double &v : x)
    v = std::max(v, 0.0);
  return x;
}

Vec sieve::reference::sigmoid(Vec x) {
  for (double &v : x)
    v = 1.0 / (1.0 + std::exp(-v));
  return x;
}

Vec sieve::reference::softmaxRows(const Vec &x, int64_t n, int64_t c) {
  Vec y(x.size());
  for (int64_t i = 0; i < n; ++i) {
    double max = -std::numeric_limits<double>::infinity();
    for (int64_t j = 0; j < c; ++j)
      max = std::max(max, x[i * c + j]);
    double sum = 0;
    for (int64_t j = 0; j < c; ++j)
      sum += std::exp(x[i * c + j] - max);
    for (int64_t j = 0; j < c; ++j)
      y[i * c + j] = std::exp(x[i * c + j] - max) / sum;
  }
  return y;
}

TopK sieve::reference::topk(const Vec &x, int64_t n, int64_t c, int64_t k) {
  TopK result{Vec(n * k), IVec(n * k)};
  for (int64_t i = 0; i < n; ++i) {
    std::vector<int32_t> order(c);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
      return x[i * c + a] > x[i * c + b];
    });
    for (int64_t s = 0; s < k; ++s) {
      result.indices[i * k + s] = order[s];
      result.values[i * k + s] = x[i * c + order[s]];
    }
  }
  return result;
}

Selection sieve::reference::selectExperts(const Vec &scores, const Vec &ranking,
                                          const std::vector<uint8_t> &keep,
                                          int64_t n, int64_t e, int64_t k,
                                          bool renormalize) {
  Selection result{IVec(n * k), Vec(n * k)};
  const Vec &rankBy = ranking.empty() ? scores : ranking;
  for (int64_t i = 0; i < n; ++i) {
    std::vector<int32_t> order(e);
    std::iota(order.begin(), order.end(), 0);
    // Kept experts first, then by value, ties to the lower index (Eq. 22).
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
      bool keptA = keep.empty() || keep[i * e + a];
      bool keptB = keep.empty() || keep[i * e + b];
      if (keptA != keptB)
        return keptA;
      return rankBy[i * e + a] > rankBy[i * e + b];
    });
    double sum = 0;
    for (int64_t s = 0; s < k; ++s) {
      int32_t expert = order[s];
      bool kept = keep.empty() || keep[i * e + expert];
      result.experts[i * k + s] = expert;
      result.gates[i * k + s] = kept ? scores[i * e + expert] : 0.0;
      sum += result.gates[i * k + s];
    }
    if (renormalize && sum > 0)
      for (int64_t s = 0; s < k; ++s)
        result.gates[i * k + s] /= sum;
  }
  return result;
}

static double logSumExp(const std::vector<double> &terms) {
  double max = -std::numeric_limits<double>::infinity();
  for (double t : terms)
    max = std::max(max, t);
  double sum = 0;
  for (double t : terms)
    sum += std::exp(t - max);
  return max + std::log(sum);
}

Vec sieve::reference::sinkhorn(const Vec &x, int64_t n, int64_t e,
                               int64_t iterations) {
  Vec a(e, 0.0), b(n, 0.0);
  for (int64_t it = 0; it < iterations; ++it) {
    for (int64_t i = 0; i < n; ++i) {
      std::vector<double> terms(e);
      for (int64_t j = 0; j < e; ++j)
        terms[j] = x[i * e + j] + a[j];
      b[i] = -logSumExp(terms);
    }
    for (int64_t j = 0; j < e; ++j) {
      std::vector<double> terms(n);
      for (int64_t i = 0; i < n; ++i)
        terms[i] = x[i * e + j] + b[i];
      a[j] = std::log(double(n) / double(e)) - logSumExp(terms);
    }
  }
  Vec out(n * e);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < e; ++j)
      out[i * e + j] = x[i * e + j] + a[j] + b[i];
  return out;
}

Dispatch sieve::reference::dispatch(const IVec &experts, int64_t n, int64_t k,
                                    int64_t numExperts) {
  Dispatch result{IVec(), IVec(numExperts + 1, 0)};
  for (int64_t e = 0; e < numExperts; ++e) {
    result.offsets[e] = static_cast<int32_t>(result.sortedPairs.size());
    for (int64_t p = 0; p < n * k; ++p)
      if (experts[p] == e)
        result.sortedPairs.push_back(static_cast<int32_t>(p));
  }
  result.offsets[numExperts] = static_cast<int32_t>(result.sortedPairs.size());
  for (int64_t p = 0; p < n * k; ++p)
    if (experts[p] < 0 || experts[p] >= numExperts)
      result.sortedPairs.push_back(static_cast<int32_t>(p));
  return result;
}

Vec sieve::reference::cvmm(const CvmmArgs &a) {
  int64_t pairs = static_cast<int64_t>(a.dispatch->sortedPairs.size());
  int64_t tokens = pairs / a.k;
  Vec out((a.outputSorted ? pairs : tokens) * a.l, 0.0);
  for (int64_t e = 0; e < a.numExperts; ++e) {
    for (int64_t j = a.dispatch->offsets[e]; j < a.dispatch->offsets[e + 1];
         ++j) {
      int64_t p = a.dispatch->sortedPairs[j];
      int64_t token = p / a.k, slot = p % a.k;
      int64_t in = a.inputSorted ? j : token;
      int64_t row = a.outputSorted ? j : token;
      double s = a.scale ? (*a.scale)[token * a.k + slot] : 1.0;
      for (int64_t c = 0; c < a.l; ++c) {
        double dot = 0;
        for (int64_t r = 0; r < a.m; ++r) {
          double w = a.transposed ? (*a.weight)[(e * a.l + c) * a.m + r]
                                  : (*a.weight)[(e * a.m + r) * a.l + c];
          dot += (*a.input)[in * a.m + r] * w;
        }
        out[row * a.l + c] += s * dot;
      }
    }
  }
  return out;
}

Vec sieve::reference::cvmmWeightGrad(const Vec &input, const Vec &grad,
                                     const Vec &scale, const Dispatch &d,
                                     int64_t k, int64_t numExperts, int64_t m,
                                     int64_t l, bool inputSorted,
                                     bool gradSorted) {
  Vec dw(numExperts * m * l, 0.0);
  for (int64_t e = 0; e < numExperts; ++e)
    for (int64_t j = d.offsets[e]; j < d.offsets[e + 1]; ++j) {
      int64_t p = d.sortedPairs[j];
      int64_t token = p / k, slot = p % k;
      double s = scale.empty() ? 1.0 : scale[token * k + slot];
      int64_t in = inputSorted ? j : token, g = gradSorted ? j : token;
      for (int64_t r = 0; r < m; ++r)
        for (int64_t c = 0; c < l; ++c)
          dw[(e * m + r) * l + c] += input[in * m + r] * s * grad[g * l + c];
    }
  return dw;
}

TopK sieve::reference::productKeyTopK(const Vec &a, const Vec &b, int64_t s,
                                      int64_t k) {
  // The exact top-k over all s^2 sums, index ib * s + ia, ties to the lower
  // index.
  Vec full(s * s);
  for (int64_t ib = 0; ib < s; ++ib)
    for (int64_t ia = 0; ia < s; ++ia)
      full[ib * s + ia] = b[ib] + a[ia];
  return topk(full, 1, s * s, k);
}

Vec sieve::reference::gatherSum(const Vec &weights, const IVec &indices,
                                const Vec &table, int64_t n, int64_t j,
                                int64_t d) {
  Vec out(n * d, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t s = 0; s < j; ++s)
      for (int64_t c = 0; c < d; ++c)
        out[i * d + c] +=
            weights[i * j + s] * table[indices[i * j + s] * d + c];
  return out;
}

static Vec meanSoftmax(const Vec &logits, int64_t n, int64_t e) {
  Vec probs = softmaxRows(logits, n, e), p(e, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < e; ++j)
      p[j] += probs[i * e + j] / double(n);
  return p;
}

double sieve::reference::entropyReg(const Vec &logits, int64_t n, int64_t e,
                                    double weight) {
  double sum = 0;
  for (double p : meanSoftmax(logits, n, e))
    if (p > 0)
      sum += p * std::log(p);
  return weight * sum;
}

double sieve::reference::switchReg(const Vec &logits, const IVec &experts,
                                   int64_t n, int64_t e, int64_t k,
                                   double weight) {
  Vec p = meanSoftmax(logits, n, e);
  Vec f(e, 0.0);
  for (int64_t i = 0; i < n * k; ++i)
    if (experts[i] >= 0 && experts[i] < e)
      f[experts[i]] += 1.0 / double(n);
  double dot = 0;
  for (int64_t j = 0; j < e; ++j)
    dot += f[j] * p[j];
  return weight * double(e) * dot;
}

std::vector<IVec>
sieve::reference::wordRoute(const IVec &ids, int64_t numUnrouted,
                            const std::vector<Bucket> &buckets) {
  std::vector<IVec> result;
  int64_t start = numUnrouted;
  for (const Bucket &bucket : buckets) {
    IVec experts(ids.size(), -1);
    for (size_t i = 0; i < ids.size(); ++i) {
      int64_t local = int64_t(ids[i]) - start;
      if (local >= 0 && local < bucket.routingIds)
        experts[i] = static_cast<int32_t>(local % bucket.experts);
    }
    result.push_back(experts);
    start += bucket.routingIds;
  }
  return result;
}

Vec sieve::reference::denseFfn(const Vec &x, const Vec &w1, const Vec &w2,
                               int64_t n, int64_t d, int64_t f) {
  return matmul(relu(matmul(x, w1, n, d, f)), w2, n, f, d); // Eq. 1-2
}

Vec sieve::reference::topkFfn(const Vec &x, const Vec &w1, const Vec &w2,
                              int64_t n, int64_t d, int64_t f, int64_t k) {
  Vec u = relu(matmul(x, w1, n, d, f));                   // Eq. 1
  TopK top = topk(u, n, f, k);                            // Eq. 6
  return gatherSum(top.values, top.indices, w2, n, k, d); // Eq. 7
}

Vec sieve::reference::pkmFfn(const Vec &x, const Vec &keysA, const Vec &keysB,
                             const Vec &values, int64_t n, int64_t d,
                             int64_t heads, int64_t subkeys, int64_t k,
                             bool softmax) {
  int64_t half = d / 2;
  Vec y(n * d, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t h = 0; h < heads; ++h) {
      Vec ua(subkeys, 0.0), ub(subkeys, 0.0);
      for (int64_t s = 0; s < subkeys; ++s)
        for (int64_t r = 0; r < half; ++r) {
          ua[s] += x[i * d + r] * keysA[(r * heads + h) * subkeys + s];
          ub[s] += x[i * d + half + r] * keysB[(r * heads + h) * subkeys + s];
        }
      TopK top = productKeyTopK(ua, ub, subkeys, k); // Eq. 8
      Vec act = softmax ? softmaxRows(top.values, 1, k) : relu(top.values);
      for (int64_t s = 0; s < k; ++s)
        for (int64_t c = 0; c < d; ++c)
          y[i * d + c] += act[s] * values[top.indices[s] * d + c];
    }
  return y;
}

MoeOutput sieve::reference::moeFfn(const Vec &x, const Vec &w1, const Vec &w2,
                                   const Vec &w3,
                                   const std::vector<uint8_t> &keep, int64_t n,
                                   const MoeConfig &c) {
  Vec logits = matmul(x, w3, n, c.d, c.experts);
  Vec scores = c.gate == Gate::Sigmoid ? sigmoid(logits)
                                       : softmaxRows(logits, n, c.experts);
  Vec ranking = c.sinkhorn && c.train
                    ? sinkhorn(logits, n, c.experts, c.sinkhornIterations)
                    : Vec();
  Selection sel = selectExperts(scores, ranking, keep, n, c.experts, c.k,
                                c.gate == Gate::SoftmaxRenorm);
  // The sorted position of every pair, for the hidden-unit mask.
  IVec position(n * c.k, 0);
  if (!c.hiddenKeep.empty()) {
    Dispatch sorted = dispatch(sel.experts, n, c.k, c.experts);
    for (size_t j = 0; j < sorted.sortedPairs.size(); ++j)
      position[sorted.sortedPairs[j]] = static_cast<int32_t>(j);
  }
  // y = sum_{e in E_x} s[e] W2^e ReLU(W1^e x)  (Eq. 11)
  MoeOutput out{Vec(n * c.d, 0.0), 0.0};
  for (int64_t i = 0; i < n; ++i)
    for (int64_t s = 0; s < c.k; ++s) {
      int64_t e = sel.experts[i * c.k + s];
      Vec h(c.size, 0.0);
      for (int64_t g = 0; g < c.size; ++g) {
        for (int64_t r = 0; r < c.d; ++r)
          h[g] += x[i * c.d + r] * w1[(e * c.d + r) * c.size + g];
        h[g] = std::max(h[g], 0.0);
        if (!c.hiddenKeep.empty())
          h[g] = c.hiddenKeep[position[i * c.k + s] * c.size + g]
                     ? h[g] / (1.0 - c.hiddenDropout)
                     : 0.0;
      }
      for (int64_t col = 0; col < c.d; ++col) {
        double v = 0;
        for (int64_t g = 0; g < c.size; ++g)
          v += h[g] * w2[(e * c.size + g) * c.d + col];
        out.y[i * c.d + col] += sel.gates[i * c.k + s] * v;
      }
    }
  if (c.reg == Reg::Entropy)
    out.aux = entropyReg(logits, n, c.experts, c.gamma);
  else if (c.reg == Reg::Switch)
    out.aux = switchReg(logits, sel.experts, n, c.experts, c.k, c.gamma);
  return out;
}

Vec sieve::reference::moweFfn(const Vec &x, const IVec &ids,
                              const std::vector<Vec> &weights, int64_t n,
                              int64_t d, int64_t numUnrouted,
                              const std::vector<Bucket> &buckets) {
  std::vector<IVec> routes = wordRoute(ids, numUnrouted, buckets);
  Vec y(n * d, 0.0);
  for (size_t b = 0; b < buckets.size(); ++b) {
    const Vec &w1 = weights[2 * b], &w2 = weights[2 * b + 1];
    int64_t g = buckets[b].expertSize;
    for (int64_t i = 0; i < n; ++i) {
      int64_t e = routes[b][i];
      if (e < 0)
        continue;
      Vec h(g, 0.0);
      for (int64_t j = 0; j < g; ++j) {
        for (int64_t r = 0; r < d; ++r)
          h[j] += x[i * d + r] * w1[(e * d + r) * g + j];
        h[j] = std::max(h[j], 0.0);
      }
      for (int64_t col = 0; col < d; ++col)
        for (int64_t j = 0; j < g; ++j)
          y[i * d + col] += h[j] * w2[(e * g + j) * d + col];
    }
  }
  return y;
}
