//===- Analysis.cpp - expert usage and activation statistics of a model ---===//

#include "models/lm/Analysis.h"

#include "runtime/Core/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>

using namespace sieve;
using namespace sieve::lm;

namespace {

/// row (1 x rows) times w (rows x cols), in double.
void rowTimes(std::vector<double> &out, const float *row, const float *w,
              int64_t rows, int64_t cols) {
  out.assign(cols, 0.0);
  for (int64_t i = 0; i < rows; ++i) {
    const float *wRow = w + i * cols;
    for (int64_t j = 0; j < cols; ++j)
      out[j] += double(row[i]) * double(wRow[j]);
  }
}

/// Opens `path` for writing or throws, naming it.
std::ofstream create(const std::string &path) {
  std::ofstream out(path, std::ios::trunc);
  if (!out)
    throw runtime::Error("cannot write " + path);
  return out;
}

} // namespace

std::vector<int64_t> LayerStatistics::deadExperts() const {
  std::vector<int64_t> dead;
  for (int64_t e = 0; e < experts; ++e)
    if (selections[e] == 0)
      dead.push_back(e);
  return dead;
}

FeedForwardAnalysis::FeedForwardAnalysis(TransformerXL &model) : model(model) {
  const model::ModelDescription &d = model.description();
  for (int64_t l = 0; l < static_cast<int64_t>(d.ffn.size()); ++l) {
    const model::LayerConfig &config = d.ffn[l].config;
    LayerStatistics s;
    s.layer = l;
    s.kind = model::kindName(config);
    const float *w = nullptr;
    if (const auto *moe = std::get_if<model::MoeFfnConfig>(&config)) {
      s.experts = moe->numExperts;
      s.k = moe->k;
      s.selections.assign(s.experts, 0);
      s.cooccurrence.assign(s.experts * s.experts, 0);
      w = model.parameters().at(layerParameterName(l, "ffn.w3")).data();
    } else if (const auto *dense =
                   std::get_if<model::DenseFfnConfig>(&config)) {
      s.channels = dense->dFF;
      s.activeChannelHistogram.assign(s.channels + 1, 0);
      w = model.parameters().at(layerParameterName(l, "ffn.w1")).data();
    }
    stats.push_back(std::move(s));
    weights.push_back(w);
  }
  model.observeFeedForwardInputs(
      [this](int64_t layer, const runtime::Tensor &input) {
        observe(layer, input);
      });
}

FeedForwardAnalysis::~FeedForwardAnalysis() {
  model.observeFeedForwardInputs(nullptr);
}

void FeedForwardAnalysis::observe(int64_t layer, const runtime::Tensor &input) {
  LayerStatistics &s = stats.at(layer);
  const int64_t d = model.description().transformer.dModel;
  if (input.shape().size() != 2 || input.shape()[1] != d)
    throw runtime::Error("analysis of layer " + std::to_string(layer) +
                         ": the feed-forward input is not tokens x " +
                         std::to_string(d));
  const int64_t tokens = input.shape()[0];
  const float *x = input.data<float>();
  std::vector<double> scores;
  std::vector<int64_t> order;
  if (s.kind == "moe") {
    for (int64_t t = 0; t < tokens; ++t) {
      rowTimes(scores, x + t * d, weights[layer], d, s.experts);
      // The top K, earliest expert first among equal scores.
      order.resize(s.experts);
      std::iota(order.begin(), order.end(), 0);
      std::partial_sort(order.begin(), order.begin() + s.k, order.end(),
                        [&](int64_t a, int64_t b) {
                          return scores[a] > scores[b] ||
                                 (scores[a] == scores[b] && a < b);
                        });
      for (int64_t i = 0; i < s.k; ++i) {
        ++s.selections[order[i]];
        for (int64_t j = 0; j < s.k; ++j)
          ++s.cooccurrence[order[i] * s.experts + order[j]];
      }
    }
  } else if (s.kind == "dense") {
    for (int64_t t = 0; t < tokens; ++t) {
      rowTimes(scores, x + t * d, weights[layer], d, s.channels);
      int64_t active = std::count_if(scores.begin(), scores.end(),
                                     [](double u) { return u > 0.0; });
      ++s.activeChannelHistogram[active];
    }
  }
  s.tokens += tokens;
}

std::vector<std::string>
FeedForwardAnalysis::writeCsv(const std::string &directory) const {
  std::filesystem::create_directories(directory);
  std::vector<std::string> written;
  auto open = [&](const std::string &name) {
    written.push_back(directory + "/" + name);
    return create(written.back());
  };
  bool anyMoe = std::any_of(stats.begin(), stats.end(),
                            [](const auto &s) { return s.kind == "moe"; });
  bool anyDense = std::any_of(stats.begin(), stats.end(),
                              [](const auto &s) { return s.kind == "dense"; });
  if (anyMoe) {
    std::ofstream usage = open("expert_usage.csv");
    std::ofstream pairs = open("expert_cooccurrence.csv");
    std::ofstream dead = open("dead_experts.csv");
    usage << "layer,rank,expert,selections,share\n";
    pairs << "layer,expert_a,expert_b,tokens,share_of_a\n";
    dead << "layer,experts,tokens,dead,dead_experts\n";
    for (const LayerStatistics &s : stats) {
      if (s.kind != "moe")
        continue;
      std::vector<int64_t> rank(s.experts);
      std::iota(rank.begin(), rank.end(), 0);
      std::stable_sort(rank.begin(), rank.end(), [&](int64_t a, int64_t b) {
        return s.selections[a] > s.selections[b];
      });
      double all = double(std::max<int64_t>(1, s.tokens * s.k));
      for (int64_t r = 0; r < s.experts; ++r)
        usage << s.layer << "," << r << "," << rank[r] << ","
              << s.selections[rank[r]] << ","
              << double(s.selections[rank[r]]) / all << "\n";
      for (int64_t a = 0; a < s.experts; ++a)
        for (int64_t b = 0; b < s.experts; ++b) {
          int64_t both = s.cooccurrence[a * s.experts + b];
          pairs << s.layer << "," << a << "," << b << "," << both << ","
                << (s.selections[a] ? double(both) / double(s.selections[a])
                                    : 0.0)
                << "\n";
        }
      std::vector<int64_t> none = s.deadExperts();
      dead << s.layer << "," << s.experts << "," << s.tokens << ","
           << none.size() << ",";
      for (size_t i = 0; i < none.size(); ++i)
        dead << (i ? " " : "") << none[i];
      dead << "\n";
    }
  }
  if (anyDense) {
    std::ofstream active = open("active_channels.csv");
    active << "layer,channels,active_channels,tokens\n";
    for (const LayerStatistics &s : stats)
      for (size_t n = 0;
           s.kind == "dense" && n < s.activeChannelHistogram.size(); ++n)
        if (s.activeChannelHistogram[n])
          active << s.layer << "," << s.channels << "," << n << ","
                 << s.activeChannelHistogram[n] << "\n";
  }
  return written;
}

void sieve::lm::writeTrainingCurveCsv(const std::string &metricsJsonl,
                                      const std::string &csvPath) {
  std::ifstream in(metricsJsonl);
  if (!in)
    throw runtime::Error("cannot read " + metricsJsonl +
                         " (is it a run directory of `sieve train`?)");
  static const char *columns[] = {
      "step",     "loss", "cross_entropy", "bits_per_token",
      "aux_loss", "lr",   "grad_norm",     "tokens_per_s"};
  std::string rows, line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (line.empty())
      continue;
    nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
    std::string row;
    for (const char *column : columns) {
      if (!record.is_object() || !record.contains(column) ||
          !record[column].is_number())
        throw runtime::Error(metricsJsonl + ":" + std::to_string(number) +
                             ": not a metrics record with a numeric \"" +
                             column + "\"");
      row += (row.empty() ? "" : ",") + record[column].dump();
    }
    rows += row + "\n";
  }
  std::ofstream out = create(csvPath);
  for (const char *column : columns)
    out << (column == columns[0] ? "" : ",") << column;
  out << "\n" << rows;
}
