//===- SieveToGPU.cpp - the sieve-convert-cvmm-to-gpu pass ----------------===//

#include "compiler/Conversion/Passes.h"
#include "compiler/Conversion/SieveToGPU/Lowerings.h"
#include "compiler/Conversion/SieveToGPU/TiledGemm.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
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
    config.stages = stages;
    config.splitK = splitK;
    std::string invalid = config.invalidReason();
    if (!invalid.empty()) {
      emitError(getOperation()->getLoc())
          << "tile configuration warps-m=" << warpsM.getValue()
          << " warps-n=" << warpsN.getValue() << " k-tile=" << kTile.getValue()
          << " stages=" << stages.getValue() << " split-k=" << splitK.getValue()
          << " is invalid: " << invalid;
      return signalPassFailure();
    }
    // Functions with their own tiles first; the options cover the rest.
    WalkResult walked = getOperation()->walk([&](func::FuncOp func) {
      auto tiles =
          func->getAttrOfType<StringAttr>(mlir::sieve::kGpuTilesAttrName);
      if (!tiles)
        return WalkResult::advance();
      std::optional<mlir::sieve::GemmTileConfig> own =
          mlir::sieve::GemmTileConfig::parse(tiles.getValue());
      std::string why =
          own ? own->invalidReason() : "expected MxNxKxSxP, e.g. 2x2x16x1x1";
      if (!why.empty()) {
        func.emitError() << mlir::sieve::kGpuTilesAttrName << " '"
                         << tiles.getValue() << "' is invalid: " << why;
        return WalkResult::interrupt();
      }
      own->precision = config.precision;
      if (failed(mlir::sieve::lowerCvmmsToGpu(func, *own, wgmma)))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (walked.wasInterrupted() ||
        failed(mlir::sieve::lowerCvmmsToGpu(getOperation(), config, wgmma)))
      signalPassFailure();
  }
};

} // namespace
