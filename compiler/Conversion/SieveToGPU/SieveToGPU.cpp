//===- SieveToGPU.cpp - the sieve-convert-cvmm-to-gpu pass ----------------===//

#include "compiler/Conversion/Passes.h"
#include "compiler/Conversion/SieveToGPU/Lowerings.h"
#include "compiler/Conversion/SieveToGPU/TiledGemm.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::sieve {
#define GEN_PASS_DEF_CONVERTCVMMTOGPU
#include "compiler/Conversion/Passes.h.inc"
} // namespace mlir::sieve

using namespace mlir;

namespace {

struct ConvertCvmmToGPUPass
    : mlir::sieve::impl::ConvertCvmmToGPUBase<ConvertCvmmToGPUPass> {
  using ConvertCvmmToGPUBase::ConvertCvmmToGPUBase;

  void runOnOperation() override {
    mlir::sieve::GemmTileConfig config;
    config.warpsM = warpsM;
    config.warpsN = warpsN;
    config.kTile = kTile;
    std::optional<mlir::sieve::GemmPrecision> parsed =
        mlir::sieve::parseGemmPrecision(precision);
    if (!parsed) {
      emitError(getOperation()->getLoc())
          << "precision must be f32, tf32, f16 or bf16, got '"
          << precision.getValue() << "'";
      return signalPassFailure();
    }
    config.precision = *parsed;
    if (warpsM < 1 || warpsN < 1 || warpsM * warpsN > 32 || kTile < 16 ||
        kTile % 16 != 0 || (config.tileM() * kTile) % config.threads() != 0 ||
        (config.tileN() * kTile) % config.threads() != 0) {
      emitError(getOperation()->getLoc())
          << "tile configuration warps-m=" << warpsM.getValue()
          << " warps-n=" << warpsN.getValue() << " k-tile=" << kTile.getValue()
          << " is invalid: k-tile must be a multiple of 16 and at most 32 "
             "warps may share a block";
      return signalPassFailure();
    }
    if (failed(mlir::sieve::lowerCvmmsToGpu(getOperation(), config)))
      signalPassFailure();
  }
};

} // namespace
