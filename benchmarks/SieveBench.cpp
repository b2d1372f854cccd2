//===- SieveBench.cpp - Sieve's host kernels against OpenBLAS -------------===//
//
// Measures, side by side in one process, with the measurements of the
// compared programs interleaved so machine noise hits both alike:
//
//  cvmm     CVMM (Eq. 26) at the σ-MoE layer's shapes: the up-projection
//           (token -> sorted rows) and the gated down-projection (sorted ->
//           token rows), each against one OpenBLAS sgemm of the same FLOPs
//           on contiguous rows ((tokens*K) x d_model times d_model x G and
//           back): FLOP rates. Also the backward pass's weight gradients
//           and transposed input gradient (rates only).
//  layer    σ-MoE forward + backward (training: expert dropout, entropy
//           regulariser) against the parameter-equal dense MLP, both
//           compiled by Sieve, and the dense MLP written with OpenBLAS
//           sgemm (the same six products and the ReLU).
//
// Writes JSON (the median of each, the ratios, the OpenBLAS core) to
// --json. Usage: sieve-bench [--tokens N] [--reps R] [--json FILE]
// [--cache-dir DIR] [--moe-only]
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/Compile.h"
#include "compiler/Pipelines/Stages.h"
#include "frontends/Builder/LayerBuilder.h"
#include "runtime/Bundle/Bundle.h"
#include "runtime/Host/Executor.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>

extern "C" char *openblas_get_corename(void);
extern "C" char *openblas_get_config(void);
extern "C" int openblas_get_num_threads(void);

using namespace sieve;
namespace model = sieve::model;

namespace {

struct Options {
  int64_t tokens = 8192, reps = 7;
  /// Only time the σ-MoE training step (run.sh alternates this with the
  /// PyTorch baseline; also handy under a profiler).
  bool moeOnly = false;
  std::string json = "sieve-bench.json", cacheDir = "";
};

// The σ-MoE paper's Enwik8 layer shape (Tab. 8-9) the issue asks for.
constexpr int64_t kDModel = 512, kExperts = 16, kExpertSize = 128, kK = 4;

model::MoeFfnConfig sigmaMoe() {
  model::MoeFfnConfig config;
  config.dModel = kDModel;
  config.numExperts = kExperts;
  config.expertSize = kExpertSize;
  config.k = kK;
  config.expertDropout = 0.05;
  config.regularizer = model::Regularizer::Entropy;
  config.regularizerWeight = 1e-4;
  return config;
}

/// The dense MLP with σ-MoE's parameter count: 2 d_model d_ff = N_E G
/// 2 d_model + d_model N_E.
model::DenseFfnConfig parameterEqualDense() {
  int64_t params = model::countParameters(sigmaMoe());
  return {kDModel, params / (2 * kDModel)};
}

/// Compiles `configs` (forward_train + derived backward each) into a bundle.
std::shared_ptr<runtime::Bundle> compileLayers(
    const std::vector<std::pair<std::string, model::LayerConfig>> &layers,
    const Options &options, const std::string &name) {
  mlir::DialectRegistry registry;
  mlir::sieve::registerSieveDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  mlir::OpBuilder b(&context);
  mlir::Location loc = mlir::UnknownLoc::get(&context);
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::ModuleOp::create(loc);
  mlir::sieve::LayerBuilder builder(b, loc, b.getF32Type());
  for (const auto &[function, config] : layers) {
    mlir::FailureOr<mlir::func::FuncOp> func =
        builder.buildFunction(*module, function, config, /*train=*/true);
    if (mlir::failed(func))
      throw std::runtime_error("cannot build " + function);
    (*func)->setAttr("sieve.backward", b.getStringAttr(function + "_backward"));
  }
  mlir::sieve::CompileOptions compile;
  compile.outputDirectory = "sieve-bench-bundles/" + name;
  compile.cacheDirectory = options.cacheDir;
  compile.source = "sieve-bench";
  if (mlir::failed(mlir::sieve::compileToBundle(*module, compile)))
    throw std::runtime_error("cannot compile " + name);
  return runtime::Bundle::load(compile.outputDirectory);
}

runtime::Tensor randomTensor(std::mt19937 &rng, std::vector<int64_t> shape,
                             double scale) {
  runtime::Tensor tensor(runtime::DType::F32, std::move(shape));
  std::uniform_real_distribution<float> dist(-scale, scale);
  float *data = tensor.data<float>();
  for (int64_t i = 0; i < tensor.numel(); ++i)
    data[i] = dist(rng);
  return tensor;
}

/// A layer's training step as the runtime runs it: forward_train, then the
/// backward kernel on its saved values, into preallocated outputs.
class TrainingStep {
public:
  TrainingStep(std::shared_ptr<runtime::Bundle> bundle, std::string function,
               std::vector<runtime::Tensor> params, int64_t seed, bool hasAux,
               std::mt19937 &rng)
      : bundle(std::move(bundle)), function(std::move(function)),
        params(std::move(params)), seed(seed), hasAux(hasAux) {
    inputs = pointers(this->params);
    scalars = seed >= 0 ? std::vector<int64_t>{seed} : std::vector<int64_t>{};
    forward = executor.run(*this->bundle, this->function, inputs, scalars);
    dy = randomTensor(rng, forward[0].shape(), 1.0);
    daux = runtime::Tensor::fromF32({}, {1.0f});
    backwardInputs = inputs;
    for (size_t i = hasAux ? 2 : 1; i < forward.size(); ++i)
      backwardInputs.push_back(&forward[i]);
    backwardInputs.push_back(&dy);
    if (hasAux)
      backwardInputs.push_back(&daux);
    grads = executor.run(*this->bundle, this->function + "_backward",
                         backwardInputs);
  }

  void run() {
    executor.call(*bundle, function, inputs, scalars, outputs(forward));
    executor.call(*bundle, function + "_backward", backwardInputs, {},
                  outputs(grads));
  }

private:
  static std::vector<const runtime::Tensor *>
  pointers(const std::vector<runtime::Tensor> &tensors) {
    std::vector<const runtime::Tensor *> result;
    for (const runtime::Tensor &tensor : tensors)
      result.push_back(&tensor);
    return result;
  }
  static std::vector<runtime::Tensor *>
  outputs(std::vector<runtime::Tensor> &tensors) {
    std::vector<runtime::Tensor *> result;
    for (runtime::Tensor &tensor : tensors)
      result.push_back(&tensor);
    return result;
  }

  runtime::HostExecutor executor;
  std::shared_ptr<runtime::Bundle> bundle;
  std::string function;
  std::vector<runtime::Tensor> params, forward, grads;
  int64_t seed;
  bool hasAux;
  std::vector<const runtime::Tensor *> inputs, backwardInputs;
  std::vector<int64_t> scalars;
  runtime::Tensor dy, daux;
};

/// The parameter-equal dense MLP's training step with OpenBLAS: u = x W1,
/// h = relu(u), y = h W2; dh = dy W2^T, dW2 = h^T dy, du = dh * (u > 0),
/// dx = du W1^T, dW1 = x^T du.
class BlasDenseStep {
public:
  BlasDenseStep(int64_t tokens, int64_t dModel, int64_t dFF, std::mt19937 &rng)
      : n(tokens), d(dModel), f(dFF), x(randomTensor(rng, {n, d}, 1.0)),
        w1(randomTensor(rng, {d, f}, 0.05)),
        w2(randomTensor(rng, {f, d}, 0.05)), dy(randomTensor(rng, {n, d}, 1.0)),
        u(runtime::DType::F32, {n, f}), h(runtime::DType::F32, {n, f}),
        y(runtime::DType::F32, {n, d}), dh(runtime::DType::F32, {n, f}),
        dx(runtime::DType::F32, {n, d}), dw1(runtime::DType::F32, {d, f}),
        dw2(runtime::DType::F32, {f, d}) {}

  void run() {
    using namespace std;
    gemm(CblasNoTrans, CblasNoTrans, n, f, d, x, w1, u);
    const float *uData = u.data<float>();
    float *hData = h.data<float>();
    for (int64_t i = 0; i < n * f; ++i)
      hData[i] = max(uData[i], 0.0f);
    gemm(CblasNoTrans, CblasNoTrans, n, d, f, h, w2, y);
    gemm(CblasNoTrans, CblasTrans, n, f, d, dy, w2, dh);
    gemm(CblasTrans, CblasNoTrans, f, d, n, h, dy, dw2);
    float *dhData = dh.data<float>();
    for (int64_t i = 0; i < n * f; ++i)
      dhData[i] = uData[i] > 0.0f ? dhData[i] : 0.0f;
    gemm(CblasNoTrans, CblasTrans, n, d, f, dh, w1, dx);
    gemm(CblasTrans, CblasNoTrans, d, f, n, x, dh, dw1);
  }

private:
  /// C (m x n) = op(A) op(B), op(A) m x k, row-major.
  static void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int64_t m,
                   int64_t nCols, int64_t k, const runtime::Tensor &a,
                   const runtime::Tensor &b, runtime::Tensor &c) {
    cblas_sgemm(CblasRowMajor, ta, tb, m, nCols, k, 1.0f, a.data<float>(),
                ta == CblasNoTrans ? k : m, b.data<float>(),
                tb == CblasNoTrans ? nCols : k, 0.0f, c.data<float>(), nCols);
  }

  int64_t n, d, f;
  runtime::Tensor x, w1, w2, dy, u, h, y, dh, dx, dw1, dw2;
};

/// CVMM alone at the layer's shapes: the up-projection (token rows ->
/// sorted rows) and the gated down-projection (sorted -> token rows).
const char *kCvmmModule = R"mlir(
func.func @cvmm_up(%x: tensor<?x512xf32>, %w1: tensor<16x512x128xf32>,
                   %pairs: tensor<?xi32> {sieve.tokens_multiple = 4 : i64},
                   %offsets: tensor<17xi32>) -> tensor<?x128xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %rows = tensor.dim %pairs, %c0 : tensor<?xi32>
  %e = tensor.empty(%rows) : tensor<?x128xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?x128xf32>) -> tensor<?x128xf32>
  %h = sieve.cvmm ins(%x, %w1, %pairs, %offsets : tensor<?x512xf32>, tensor<16x512x128xf32>, tensor<?xi32>, tensor<17xi32>) outs(%init : tensor<?x128xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, output_rows = #sieve.rows<sorted>} -> tensor<?x128xf32>
  return %h : tensor<?x128xf32>
}
func.func @cvmm_down(%h: tensor<?x128xf32> {sieve.tokens_multiple = 4 : i64},
                     %w2: tensor<16x128x512xf32>, %gates: tensor<?x4xf32>,
                     %pairs: tensor<?xi32> {sieve.tokens_multiple = 4 : i64},
                     %offsets: tensor<17xi32>) -> tensor<?x512xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %tokens = tensor.dim %gates, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%tokens) : tensor<?x512xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?x512xf32>) -> tensor<?x512xf32>
  %y = sieve.cvmm ins(%h, %w2, %pairs, %offsets : tensor<?x128xf32>, tensor<16x128x512xf32>, tensor<?xi32>, tensor<17xi32>) scale(%gates : tensor<?x4xf32>) outs(%init : tensor<?x512xf32>) {k = 4 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>} -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}
func.func @cvmm_dw1(%x: tensor<?x512xf32>, %du: tensor<?x128xf32> {sieve.tokens_multiple = 4 : i64},
                    %pairs: tensor<?xi32> {sieve.tokens_multiple = 4 : i64},
                    %offsets: tensor<17xi32>) -> tensor<16x512x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x512x128xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<16x512x128xf32>) -> tensor<16x512x128xf32>
  %g = sieve.cvmm_weight_grad ins(%x, %du, %pairs, %offsets : tensor<?x512xf32>, tensor<?x128xf32>, tensor<?xi32>, tensor<17xi32>) outs(%init : tensor<16x512x128xf32>) {k = 4 : i64, input_rows = #sieve.rows<token>, grad_rows = #sieve.rows<sorted>} -> tensor<16x512x128xf32>
  return %g : tensor<16x512x128xf32>
}
func.func @cvmm_dw2(%h: tensor<?x128xf32> {sieve.tokens_multiple = 4 : i64}, %dy: tensor<?x512xf32>, %gates: tensor<?x4xf32>,
                    %pairs: tensor<?xi32> {sieve.tokens_multiple = 4 : i64},
                    %offsets: tensor<17xi32>) -> tensor<16x128x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x128x512xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<16x128x512xf32>) -> tensor<16x128x512xf32>
  %g = sieve.cvmm_weight_grad ins(%h, %dy, %pairs, %offsets : tensor<?x128xf32>, tensor<?x512xf32>, tensor<?xi32>, tensor<17xi32>) scale(%gates : tensor<?x4xf32>) outs(%init : tensor<16x128x512xf32>) {k = 4 : i64, input_rows = #sieve.rows<sorted>, grad_rows = #sieve.rows<token>} -> tensor<16x128x512xf32>
  return %g : tensor<16x128x512xf32>
}
func.func @cvmm_dx(%du: tensor<?x128xf32> {sieve.tokens_multiple = 4 : i64}, %w1: tensor<16x512x128xf32>, %gates: tensor<?x4xf32>,
                   %pairs: tensor<?xi32> {sieve.tokens_multiple = 4 : i64},
                   %offsets: tensor<17xi32>) -> tensor<?x512xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %tokens = tensor.dim %gates, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%tokens) : tensor<?x512xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?x512xf32>) -> tensor<?x512xf32>
  %y = sieve.cvmm ins(%du, %w1, %pairs, %offsets : tensor<?x128xf32>, tensor<16x512x128xf32>, tensor<?xi32>, tensor<17xi32>) outs(%init : tensor<?x512xf32>) {k = 4 : i64, input_rows = #sieve.rows<sorted>, output_rows = #sieve.rows<token>, transpose_weight} -> tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}
)mlir";

std::shared_ptr<runtime::Bundle> compileCvmm(const Options &options) {
  mlir::DialectRegistry registry;
  mlir::sieve::registerSieveDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kCvmmModule, &context);
  mlir::sieve::CompileOptions compile;
  compile.outputDirectory = "sieve-bench-bundles/cvmm";
  compile.cacheDirectory = options.cacheDir;
  compile.source = "sieve-bench";
  if (!module || mlir::failed(mlir::sieve::compileToBundle(*module, compile)))
    throw std::runtime_error("cannot compile the CVMM module");
  return runtime::Bundle::load(compile.outputDirectory);
}

/// K distinct random experts per token, sorted as sieve.dispatch sorts them.
void randomDispatch(std::mt19937 &rng, int64_t tokens, runtime::Tensor &pairs,
                    runtime::Tensor &offsets) {
  std::vector<std::vector<int32_t>> byExpert(kExperts);
  std::vector<int32_t> experts(kExperts);
  for (int32_t e = 0; e < kExperts; ++e)
    experts[e] = e;
  for (int64_t t = 0; t < tokens; ++t) {
    std::shuffle(experts.begin(), experts.end(), rng);
    for (int64_t slot = 0; slot < kK; ++slot)
      byExpert[experts[slot]].push_back(static_cast<int32_t>(t * kK + slot));
  }
  pairs = runtime::Tensor(runtime::DType::I32, {tokens * kK});
  offsets = runtime::Tensor(runtime::DType::I32, {kExperts + 1});
  int32_t *p = pairs.data<int32_t>(), *o = offsets.data<int32_t>();
  int32_t next = 0;
  for (int64_t e = 0; e < kExperts; ++e) {
    o[e] = next;
    for (int32_t pair : byExpert[e])
      p[next++] = pair;
  }
  o[kExperts] = next;
}

double seconds(const std::function<void()> &work) {
  auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

/// Times each of `work` `reps` times, interleaved, after one warm-up each.
std::vector<double> interleaved(const std::vector<std::function<void()>> &work,
                                int64_t reps) {
  for (const auto &w : work)
    w();
  std::vector<std::vector<double>> times(work.size());
  for (int64_t r = 0; r < reps; ++r)
    for (size_t i = 0; i < work.size(); ++i)
      times[i].push_back(seconds(work[i]));
  std::vector<double> medians;
  for (const auto &t : times)
    medians.push_back(median(t));
  return medians;
}

Options parse(int argc, char **argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        throw std::runtime_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--tokens")
      options.tokens = std::stoll(value());
    else if (arg == "--reps")
      options.reps = std::stoll(value());
    else if (arg == "--json")
      options.json = value();
    else if (arg == "--cache-dir")
      options.cacheDir = value();
    else if (arg == "--moe-only")
      options.moeOnly = true;
    else
      throw std::runtime_error("unknown option " + arg +
                               " (--tokens N, --reps R, --json FILE, "
                               "--cache-dir DIR, --moe-only)");
  }
  return options;
}

} // namespace

int main(int argc, char **argv) {
  try {
    Options options = parse(argc, argv);
    std::mt19937 rng(2023);
    const int64_t n = options.tokens;
    model::MoeFfnConfig moe = sigmaMoe();
    model::DenseFfnConfig dense = parameterEqualDense();
    std::cerr << "sieve-bench: compiling (σ-MoE d_model " << kDModel << ", N_E "
              << kExperts << ", G " << kExpertSize << ", K " << kK
              << "; dense d_ff " << dense.dFF << ")\n";
    auto bundle = compileLayers({{"sigma_moe", moe}, {"dense", dense}}, options,
                                "layers");

    auto moeParams = [&] {
      std::vector<runtime::Tensor> p;
      p.push_back(randomTensor(rng, {n, kDModel}, 1.0));
      for (const auto &shape : model::weightShapes(moe))
        p.push_back(randomTensor(rng, shape, 0.05));
      return p;
    }();
    std::vector<runtime::Tensor> denseParams;
    denseParams.push_back(randomTensor(rng, {n, kDModel}, 1.0));
    for (const auto &shape : model::weightShapes(dense))
      denseParams.push_back(randomTensor(rng, shape, 0.05));

    TrainingStep moeStep(bundle, "sigma_moe", std::move(moeParams), 7, true,
                         rng);
    if (options.moeOnly) {
      double moeTime = interleaved({[&] { moeStep.run(); }}, options.reps)[0];
      std::ofstream json(options.json);
      json << "{\n  \"tokens\": " << n
           << ",\n  \"sigma_moe_fwd_bwd_s\": " << moeTime << "\n}\n";
      std::cerr << "sieve-bench: σ-MoE " << moeTime * 1e3 << " ms\n";
      return 0;
    }
    TrainingStep denseStep(bundle, "dense", std::move(denseParams), -1, false,
                           rng);
    BlasDenseStep blasStep(n, kDModel, dense.dFF, rng);

    std::cerr << "sieve-bench: timing the layers (" << options.reps
              << " interleaved repetitions, medians)\n";
    std::vector<double> layer =
        interleaved({[&] { moeStep.run(); }, [&] { denseStep.run(); },
                     [&] { blasStep.run(); }},
                    options.reps);

    // CVMM against one sgemm of the same FLOPs.
    auto cvmmBundle = compileCvmm(options);
    runtime::Tensor pairs, offsets;
    randomDispatch(rng, n, pairs, offsets);
    runtime::Tensor x = randomTensor(rng, {n, kDModel}, 1.0);
    runtime::Tensor w1 =
        randomTensor(rng, {kExperts, kDModel, kExpertSize}, 0.05);
    runtime::Tensor w2 =
        randomTensor(rng, {kExperts, kExpertSize, kDModel}, 0.05);
    runtime::Tensor gates = randomTensor(rng, {n, kK}, 1.0);
    runtime::Tensor hidden(runtime::DType::F32, {n * kK, kExpertSize});
    runtime::Tensor out(runtime::DType::F32, {n, kDModel});
    runtime::Tensor gathered = randomTensor(rng, {n * kK, kDModel}, 1.0);
    runtime::Tensor blasHidden(runtime::DType::F32, {n * kK, kExpertSize});
    runtime::Tensor blasOut(runtime::DType::F32, {n * kK, kDModel});
    runtime::Tensor denseW1 = randomTensor(rng, {kDModel, kExpertSize}, 0.05);
    runtime::Tensor denseW2 = randomTensor(rng, {kExpertSize, kDModel}, 0.05);
    runtime::HostExecutor executor;
    runtime::Tensor dw1(runtime::DType::F32, {kExperts, kDModel, kExpertSize});
    runtime::Tensor dw2(runtime::DType::F32, {kExperts, kExpertSize, kDModel});
    std::cerr << "sieve-bench: timing CVMM against sgemm\n";
    std::vector<double> cvmm = interleaved(
        {[&] {
           executor.call(*cvmmBundle, "cvmm_up", {&x, &w1, &pairs, &offsets},
                         {}, {&hidden});
         },
         [&] {
           cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n * kK,
                       kExpertSize, kDModel, 1.0f, gathered.data<float>(),
                       kDModel, denseW1.data<float>(), kExpertSize, 0.0f,
                       blasHidden.data<float>(), kExpertSize);
         },
         [&] {
           executor.call(*cvmmBundle, "cvmm_down",
                         {&hidden, &w2, &gates, &pairs, &offsets}, {}, {&out});
         },
         [&] {
           cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n * kK,
                       kDModel, kExpertSize, 1.0f, blasHidden.data<float>(),
                       kExpertSize, denseW2.data<float>(), kDModel, 0.0f,
                       blasOut.data<float>(), kDModel);
         },
         [&] {
           executor.call(*cvmmBundle, "cvmm_dw1",
                         {&x, &hidden, &pairs, &offsets}, {}, {&dw1});
         },
         [&] {
           executor.call(*cvmmBundle, "cvmm_dw2",
                         {&hidden, &out, &gates, &pairs, &offsets}, {}, {&dw2});
         },
         [&] {
           executor.call(*cvmmBundle, "cvmm_dx",
                         {&hidden, &w1, &gates, &pairs, &offsets}, {}, {&out});
         }},
        options.reps);
    double flops = 2.0 * n * kK * kDModel * kExpertSize;

    std::ofstream json(options.json);
    json << "{\n"
         << "  \"openblas\": {\"core\": \"" << openblas_get_corename()
         << "\", \"config\": \"" << openblas_get_config()
         << "\", \"threads\": " << openblas_get_num_threads() << "},\n"
         << "  \"tokens\": " << n << ",\n"
         << "  \"cvmm\": {\n"
         << "    \"flops\": " << flops << ",\n"
         << "    \"up_s\": " << cvmm[0] << ",\n"
         << "    \"up_sgemm_s\": " << cvmm[1] << ",\n"
         << "    \"down_s\": " << cvmm[2] << ",\n"
         << "    \"down_sgemm_s\": " << cvmm[3] << ",\n"
         << "    \"up_gflops\": " << flops / cvmm[0] / 1e9 << ",\n"
         << "    \"up_sgemm_gflops\": " << flops / cvmm[1] / 1e9 << ",\n"
         << "    \"down_gflops\": " << flops / cvmm[2] / 1e9 << ",\n"
         << "    \"down_sgemm_gflops\": " << flops / cvmm[3] / 1e9 << ",\n"
         << "    \"weight_grad_gflops\": " << flops / cvmm[4] / 1e9 << ",\n"
         << "    \"weight_grad_scaled_gflops\": " << flops / cvmm[5] / 1e9
         << ",\n"
         << "    \"input_grad_gflops\": " << flops / cvmm[6] / 1e9 << ",\n"
         << "    \"up_rate_ratio\": " << cvmm[1] / cvmm[0] << ",\n"
         << "    \"down_rate_ratio\": " << cvmm[3] / cvmm[2] << "\n"
         << "  },\n"
         << "  \"layer\": {\n"
         << "    \"sigma_moe_fwd_bwd_s\": " << layer[0] << ",\n"
         << "    \"dense_fwd_bwd_s\": " << layer[1] << ",\n"
         << "    \"dense_openblas_fwd_bwd_s\": " << layer[2] << ",\n"
         << "    \"dense_d_ff\": " << dense.dFF << ",\n"
         << "    \"ratio_vs_dense\": " << layer[0] / layer[1] << ",\n"
         << "    \"ratio_vs_dense_openblas\": " << layer[0] / layer[2] << "\n"
         << "  }\n"
         << "}\n";
    std::cerr << "sieve-bench: σ-MoE " << layer[0] * 1e3 << " ms, dense "
              << layer[1] * 1e3 << " ms, dense (OpenBLAS) " << layer[2] * 1e3
              << " ms; OpenBLAS core " << openblas_get_corename() << "\n";
  } catch (const std::exception &error) {
    std::cerr << "sieve-bench: error: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
