// Bad tile configurations and precisions are refused, saying which.
// RUN: not sieve-opt %s --sieve-convert-cvmm-to-gpu="precision=fp8" 2>&1 | FileCheck %s --check-prefix=PRECISION
// PRECISION: error: precision must be f32, tf32, f16 or bf16, got 'fp8'
// RUN: not sieve-opt %s --sieve-convert-cvmm-to-gpu="k-tile=24" 2>&1 | FileCheck %s --check-prefix=KTILE
// KTILE: error: tile configuration warps-m=2 warps-n=2 k-tile=24 is invalid: k-tile must be a multiple of 16 and at most 32 warps may share a block
// RUN: not sieve-opt %s --sieve-convert-cvmm-to-gpu="warps-m=8 warps-n=8" 2>&1 | FileCheck %s --check-prefix=WARPS
// WARPS: error: tile configuration warps-m=8 warps-n=8 k-tile=16 is invalid
func.func @empty() {
  return
}
