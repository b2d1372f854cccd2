//===- AnalyzeCommand.cpp - `sieve analyze` -------------------------------===//
//
// Runs a trained model over validation segments, counting which experts
// every MoE layer selects and how many channels of every dense layer's u
// are active (models/lm/Analysis.h), converts the run's metrics into a
// training curve, writes it all as CSV, then draws the plots with
// tools/analysis/sieve_plots.py (Debian's python3 with matplotlib).
//
//===----------------------------------------------------------------------===//

#include "models/lm/Analysis.h"
#include "models/lm/Checkpoint.h"
#include "models/lm/MoweAnalysis.h"
#include "models/lm/MoweData.h"
#include "models/lm/Trainer.h"
#include "runtime/Core/Error.h"
#include "tools/sieve/Commands.h"
#include "tools/sieve/ModelSetup.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace mlir::sieve::driver;
namespace cl = llvm::cl;
namespace lm = ::sieve::lm;

cl::SubCommand mlir::sieve::driver::analyzeCommand(
    "analyze", "Expert usage, co-occurrence, dead experts, active channels "
               "and training curves of a trained model, as CSV and PNG");

namespace {

cl::opt<std::string> analyzeModel(cl::Positional, cl::Required,
                                  cl::desc("<model.yaml>"),
                                  cl::sub(analyzeCommand));
cl::opt<std::string> analyzeRun("run",
                                cl::desc("Run directory with model.safetensors "
                                         "(default: runs/<model name>)"),
                                cl::value_desc("dir"), cl::init(""),
                                cl::sub(analyzeCommand));
cl::opt<std::string> analyzeOut("out",
                                cl::desc("Where the CSV and PNG files go "
                                         "(default: <run>/analysis)"),
                                cl::value_desc("dir"), cl::init(""),
                                cl::sub(analyzeCommand));
cl::opt<int64_t> analyzeBatch("batch", cl::desc("Streams evaluated together"),
                              cl::init(16), cl::sub(analyzeCommand));
cl::opt<int64_t>
    analyzeSegments("max-segments",
                    cl::desc("Validation segments analysed (0: the split)"),
                    cl::init(32), cl::sub(analyzeCommand));
cl::opt<bool> analyzeNoPlots("no-plots", cl::desc("Write the CSV files only"),
                             cl::sub(analyzeCommand));
cl::opt<std::string> analyzeCache("cache-dir", cl::desc("Kernel cache"),
                                  cl::value_desc("dir"), cl::init(""),
                                  cl::sub(analyzeCommand));

cl::opt<int64_t> analyzeMoweThreshold(
    "mowe-threshold",
    cl::desc("MoWE: routing ids from this one up count as rare (default: "
             "the first id of the last frequency bucket)"),
    cl::init(-1), cl::sub(analyzeCommand));
cl::opt<std::string> analyzeMoweWords(
    "mowe-words",
    cl::desc("MoWE: words whose expert is turned off to see the next-token "
             "prediction change (comma-separated)"),
    cl::init("water,horse,iron,music,church,plant,king,blood"),
    cl::sub(analyzeCommand));

/// The plotting script beside the binary (build/share/sieve), or an error.
std::string plotScript() {
  std::string exe = llvm::sys::fs::getMainExecutable(
      nullptr, reinterpret_cast<void *>(&plotScript));
  llvm::SmallString<256> path(llvm::sys::path::parent_path(exe));
  llvm::sys::path::append(path, "..", "share", "sieve", "sieve_plots.py");
  if (!llvm::sys::fs::exists(path))
    throw ::sieve::runtime::Error("the plotting script " + path.str().str() +
                                  " is missing (rebuild Sieve, or pass "
                                  "--no-plots)");
  return path.str().str();
}

/// Debian's python3 (which sees python3-matplotlib), unless $SIEVE_PYTHON.
std::string python() {
  if (std::optional<std::string> chosen =
          llvm::sys::Process::GetEnv("SIEVE_PYTHON"))
    return *chosen;
  if (llvm::sys::fs::can_execute("/usr/bin/python3"))
    return "/usr/bin/python3";
  if (llvm::ErrorOr<std::string> found =
          llvm::sys::findProgramByName("python3"))
    return *found;
  throw ::sieve::runtime::Error("no python3 to draw the plots with (install "
                                "python3-matplotlib, or pass --no-plots)");
}

void drawPlots(const std::string &directory) {
  std::string interpreter = python(), script = plotScript();
  llvm::SmallVector<llvm::StringRef> args = {interpreter, script, "analysis",
                                             directory};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(interpreter, args, std::nullopt, {}, 0,
                                         0, &message);
  if (status != 0)
    throw ::sieve::runtime::Error(
        "drawing the plots failed (" +
        (message.empty() ? "exit status " + std::to_string(status) : message) +
        "); the CSV files in " + directory + " are written");
}

void printSummary(const std::vector<lm::LayerStatistics> &layers) {
  for (const lm::LayerStatistics &s : layers) {
    if (s.kind == "moe") {
      int64_t top = *std::max_element(s.selections.begin(), s.selections.end());
      int64_t low = *std::min_element(s.selections.begin(), s.selections.end());
      double all = double(std::max<int64_t>(1, s.tokens * s.k));
      fmt::print("  layer {}: moe, {} experts, {} dead; most used {:.1f}%, "
                 "least used {:.1f}% of selections\n",
                 s.layer, s.experts, s.deadExperts().size(), 100.0 * top / all,
                 100.0 * low / all);
    } else if (s.kind == "dense") {
      double sum = 0;
      for (size_t n = 0; n < s.activeChannelHistogram.size(); ++n)
        sum += double(n) * double(s.activeChannelHistogram[n]);
      double mean = s.tokens ? sum / double(s.tokens) : 0.0;
      fmt::print("  layer {}: dense, {:.1f} of {} channels of u active per "
                 "token ({:.1f}%)\n",
                 s.layer, mean, s.channels, 100.0 * mean / double(s.channels));
    } else {
      fmt::print("  layer {}: {} (no analysis for this kind)\n", s.layer,
                 s.kind);
    }
  }
}

/// The MoWE paper's Tab. 3/4 analogues (models/lm/MoweAnalysis.h), printed
/// and written to <out>/mowe_deactivation.csv and mowe_words.csv.
void analyzeMowe(lm::TransformerXL &model,
                 const ::sieve::model::ModelDescription &d,
                 const lm::Corpus &corpus,
                 const lm::RoutingVocabulary &vocabulary,
                 const std::string &out) {
  const ::sieve::model::MoweFfnConfig &block = lm::moweBlock(d);
  int64_t threshold = analyzeMoweThreshold;
  if (threshold < 0) {
    threshold = block.numUnrouted;
    for (size_t b = 0; b + 1 < block.buckets.size(); ++b)
      threshold += block.buckets[b].routingIds;
  }
  std::vector<lm::DeactivationRow> rows =
      lm::deactivationStudy(model, block, corpus.valid, corpus.validRoutes,
                            analyzeBatch, analyzeSegments, threshold);
  std::filesystem::create_directories(out);
  std::ofstream csv(out + "/mowe_deactivation.csv");
  csv << "experts_off,routing_ids,token_share,bits_per_token,delta\n";
  fmt::print("  MoWE experts turned off (validation):\n");
  for (const lm::DeactivationRow &r : rows) {
    double delta = r.bitsPerToken - rows[0].bitsPerToken;
    fmt::print("    {:<28} {:>6} ids  {:>5.1f}% of tokens  {:.4f} bpc  "
               "({:+.4f})\n",
               r.name, r.ids, 100 * r.tokenShare, r.bitsPerToken, delta);
    csv << '"' << r.name << "\"," << r.ids << ',' << r.tokenShare << ','
        << r.bitsPerToken << ',' << delta << "\n";
  }
  std::vector<std::string> words;
  std::string list = analyzeMoweWords;
  for (size_t at = 0; at <= list.size();) {
    size_t comma = std::min(list.find(',', at), list.size());
    if (comma > at)
      words.push_back(list.substr(at, comma - at));
    at = comma + 1;
  }
  std::vector<lm::WordProbe> probes =
      lm::probeWords(model, vocabulary, words, corpus.valid, corpus.validRoutes,
                     /*maxOccurrences=*/64, /*window=*/96, /*generate=*/24);
  std::ofstream wordsCsv(out + "/mowe_words.csv");
  wordsCsv << "word,routing_id,occurrences,bits_on,bits_off,top_changed\n";
  fmt::print("  next byte after a word, its expert on / off:\n");
  for (const lm::WordProbe &p : probes) {
    if (p.routingId < 0 || p.occurrences == 0) {
      fmt::print("    {:<10} {}\n", p.word,
                 p.routingId < 0 ? "not in the routing vocabulary"
                                 : "no occurrence in the validation split");
      continue;
    }
    fmt::print("    {:<10} id {:>5}  {:>3} occurrences  {:.3f} / {:.3f} bits "
               " top prediction changed {:.0f}%\n",
               p.word, p.routingId, p.occurrences, p.bitsOn, p.bitsOff,
               100 * p.changedTop);
    fmt::print("      ...{}|\n        on : {}\n        off: {}\n", p.prompt,
               p.continuationOn, p.continuationOff);
    wordsCsv << p.word << ',' << p.routingId << ',' << p.occurrences << ','
             << p.bitsOn << ',' << p.bitsOff << ',' << p.changedTop << "\n";
  }
  fmt::print("wrote {}/mowe_deactivation.csv\nwrote {}/mowe_words.csv\n", out,
             out);
}

} // namespace

int mlir::sieve::driver::runAnalyzeCommand() {
  std::optional<::sieve::model::ModelDescription> d =
      readDescription(analyzeModel);
  if (!d)
    return 1;
  try {
    std::string run = runDirectory(analyzeRun, *d);
    std::string out = analyzeOut.empty() ? run + "/analysis" : analyzeOut;
    std::string weights = run + "/model.safetensors";
    if (!std::filesystem::exists(weights))
      throw ::sieve::runtime::Error(
          weights + " does not exist: train the model first (sieve train)");
    auto model = buildModel(*d, run, analyzeCache);
    lm::loadWeights(weights, *model);
    lm::Corpus corpus = loadCorpus(*d, analyzeCache);
    RoutingSummary routing = prepareRouting(*d, corpus, run, /*build=*/false);

    std::vector<std::string> files;
    {
      lm::FeedForwardAnalysis analysis(*model);
      lm::EvalResult result = lm::evaluateModel(
          *model, corpus.valid, analyzeBatch, analyzeSegments,
          model->needsRoutingIds() ? &corpus.validRoutes : nullptr);
      fmt::print("{}: {} validation tokens analysed ({:.4f} bits per "
                 "token)\n",
                 d->name, result.tokens, result.bitsPerToken());
      printSummary(analysis.layers());
      files = analysis.writeCsv(out);
    }
    if (model->needsRoutingIds())
      analyzeMowe(*model, *d, corpus, routing.vocabulary, out);
    std::filesystem::create_directories(out);
    lm::writeTrainingCurveCsv(run + "/metrics.jsonl",
                              out + "/training_curve.csv");
    files.push_back(out + "/training_curve.csv");
    for (const std::string &file : files)
      fmt::print("wrote {}\n", file);
    if (!analyzeNoPlots) {
      drawPlots(out);
      for (const auto &entry : std::filesystem::directory_iterator(out))
        if (entry.path().extension() == ".png")
          fmt::print("wrote {}\n", entry.path().string());
    }
  } catch (const ::sieve::runtime::Error &error) {
    fmt::print(stderr, "sieve analyze: error: {}\n", error.what());
    return 1;
  }
  return 0;
}
