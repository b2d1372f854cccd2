//===- DenseOps.cpp - what every device backend shares ------------------===//

#include "models/lm/Device/DenseOps.h"

#include <algorithm>

using namespace sieve::lm::device;

TokenGroups sieve::lm::device::groupTokenPositions(const int32_t *tokens,
                                                   int64_t n) {
  std::vector<int32_t> order(n);
  for (int64_t i = 0; i < n; ++i)
    order[i] = static_cast<int32_t>(i);
  // Stable: positions stay ascending within a token's group.
  std::stable_sort(order.begin(), order.end(),
                   [&](int32_t a, int32_t b) { return tokens[a] < tokens[b]; });
  TokenGroups groups;
  groups.positions = order;
  for (int64_t i = 0; i < n; ++i)
    if (i == 0 || tokens[order[i]] != tokens[order[i - 1]]) {
      groups.ids.push_back(tokens[order[i]]);
      groups.starts.push_back(static_cast<int32_t>(i));
    }
  groups.starts.push_back(static_cast<int32_t>(n));
  return groups;
}
