//===- HostDenseOpsTest.cpp - the host backend against the host model -----===//
//
// HostDenseOps is the reference the CUDA backend is checked against on a
// GPU; here it is checked against the host model's own operations
// (models/lm/Ops.h) on the same inputs: layer norm, cross-entropy,
// dropout, embedding, bias broadcast and column sums, and a GEMM against
// linearForward/Backward.
//
//===----------------------------------------------------------------------===//

#include "models/lm/Device/HostDenseOps.h"
#include "models/lm/Ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace sieve;
using namespace sieve::lm;
using device::Address;

namespace {

Address addressOf(const void *data) { return reinterpret_cast<Address>(data); }

std::vector<float> randomValues(std::mt19937 &rng, int64_t n, float scale) {
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> v(n);
  for (float &x : v)
    x = normal(rng);
  return v;
}

void expectClose(const std::vector<float> &actual,
                 const std::vector<float> &expected, double tolerance,
                 const char *what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  double largest = 0, error = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    largest = std::max(largest, double(std::fabs(expected[i])));
    error = std::max(error, double(std::fabs(actual[i] - expected[i])));
  }
  EXPECT_LE(error, tolerance * std::max(largest, 1e-30)) << what;
}

} // namespace

TEST(HostDenseOpsTest, MatchesTheHostModelsOperations) {
  std::mt19937 rng(9);
  device::HostDenseOps ops;
  const int64_t n = 11, c = 40, vocab = 30;

  std::vector<float> x = randomValues(rng, n * c, 2.0f),
                     g = randomValues(rng, c, 1.0f),
                     b = randomValues(rng, c, 1.0f),
                     dout = randomValues(rng, n * c, 1.0f);
  std::vector<float> y(n * c), mean(n), rstd(n), dx(n * c, 0.5f), dg(c, 0.0f),
      db(c, 0.0f);
  std::vector<float> y2 = y, mean2 = mean, rstd2 = rstd, dx2 = dx, dg2 = dg,
                     db2 = db;
  layerNormForward(y.data(), mean.data(), rstd.data(), x.data(), g.data(),
                   b.data(), n, c);
  layerNormBackward(dx.data(), dg.data(), db.data(), dout.data(), x.data(),
                    mean.data(), rstd.data(), g.data(), n, c);
  ops.layerNormForward(addressOf(y2.data()), addressOf(mean2.data()),
                       addressOf(rstd2.data()), addressOf(x.data()),
                       addressOf(g.data()), addressOf(b.data()), n, c);
  ops.layerNormBackward(addressOf(dx2.data()), addressOf(dg2.data()),
                        addressOf(db2.data()), addressOf(dout.data()),
                        addressOf(x.data()), addressOf(mean2.data()),
                        addressOf(rstd2.data()), addressOf(g.data()), n, c);
  expectClose(y2, y, 0, "layer norm");
  expectClose(dx2, dx, 0, "layer norm dx");
  expectClose(dg2, dg, 0, "layer norm dg");
  expectClose(db2, db, 0, "layer norm db");

  std::vector<float> logits = randomValues(rng, n * vocab, 3.0f),
                     probs(n * vocab), probs2(n * vocab),
                     dlogits(n * vocab, 0.0f), dlogits2(n * vocab);
  std::vector<int32_t> targets(n);
  for (int32_t &t : targets)
    t = static_cast<int32_t>(rng() % vocab);
  double loss = crossEntropyForward(probs.data(), logits.data(), targets.data(),
                                    n, vocab);
  crossEntropyBackward(dlogits.data(), probs.data(), targets.data(), n, vocab,
                       0.25f);
  double loss2 = ops.crossEntropyForward(addressOf(probs2.data()),
                                         addressOf(logits.data()),
                                         addressOf(targets.data()), n, vocab);
  ops.crossEntropyBackward(addressOf(dlogits2.data()), addressOf(probs2.data()),
                           addressOf(targets.data()), n, vocab, 0.25f);
  EXPECT_EQ(loss2, loss);
  expectClose(probs2, probs, 0, "cross-entropy probabilities");
  expectClose(dlogits2, dlogits, 1e-7, "cross-entropy dlogits");

  std::vector<float> dropped(n * c), dropped2(n * c), back(n * c, 1.0f),
      back2(n * c, 1.0f);
  dropoutForward(dropped.data(), x.data(), n * c, 0.3, 4, 17);
  dropoutBackward(back.data(), dout.data(), n * c, 0.3, 4, 17);
  ops.dropoutForward(addressOf(dropped2.data()), addressOf(x.data()), n * c,
                     0.3, 4, 17);
  ops.dropoutBackward(addressOf(back2.data()), addressOf(dout.data()), n * c,
                      0.3, 4, 17);
  expectClose(dropped2, dropped, 0, "dropout");
  expectClose(back2, back, 0, "dropout backward");

  std::vector<int32_t> tokens = {3, 1, 3, 0, 3, 2, 1, 0, 0, 3, 2};
  std::vector<float> table = randomValues(rng, 5 * c, 1.0f), rows(n * c),
                     rows2(n * c), dtable(5 * c, 0.0f), dtable2(5 * c, 0.0f);
  embeddingForward(rows.data(), tokens.data(), table.data(), n, c);
  embeddingBackward(dtable.data(), dout.data(), tokens.data(), n, c);
  ops.embeddingForward(addressOf(rows2.data()), addressOf(tokens.data()),
                       addressOf(table.data()), n, c);
  ops.embeddingBackward(addressOf(dtable2.data()), addressOf(dout.data()),
                        device::groupTokenPositions(tokens.data(), n), c);
  expectClose(rows2, rows, 0, "embedding");
  expectClose(dtable2, dtable, 0, "embedding backward");

  // A projection with a bias, forward and backward, as GEMMs.
  const int64_t m = 7;
  std::vector<float> w = randomValues(rng, c * m, 0.3f),
                     bias = randomValues(rng, m, 1.0f),
                     dy = randomValues(rng, n * m, 1.0f), out(n * m),
                     out2(n * m), din(n * c, 0.0f), din2(n * c, 0.0f),
                     dw(c * m, 0.0f), dw2(c * m, 0.0f), dbias(m, 0.0f),
                     dbias2(m, 0.0f);
  linearForward(out.data(), x.data(), w.data(), bias.data(), n, c, m);
  linearBackward(din.data(), dw.data(), dbias.data(), dy.data(), x.data(),
                 w.data(), n, c, m);
  ops.broadcastRows(addressOf(out2.data()), addressOf(bias.data()), n, m);
  ops.gemm({n, m, c}, runtime::DType::F32, runtime::DType::F32,
           addressOf(x.data()), addressOf(w.data()), addressOf(out2.data()),
           1.0f);
  device::RowMajorGemm backwardInput{n, c, m, false, true};
  ops.gemm(backwardInput, runtime::DType::F32, runtime::DType::F32,
           addressOf(dy.data()), addressOf(w.data()), addressOf(din2.data()),
           1.0f);
  device::RowMajorGemm backwardWeight{c, m, n, true, false};
  ops.gemm(backwardWeight, runtime::DType::F32, runtime::DType::F32,
           addressOf(x.data()), addressOf(dy.data()), addressOf(dw2.data()),
           1.0f);
  ops.addColumnSums(addressOf(dbias2.data()), addressOf(dy.data()), n, m);
  expectClose(out2, out, 1e-6, "projection");
  expectClose(din2, din, 1e-6, "projection input gradient");
  expectClose(dw2, dw, 1e-6, "projection weight gradient");
  expectClose(dbias2, dbias, 0, "bias gradient");
}
