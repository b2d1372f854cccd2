// Bad tile configurations and precisions are refused, saying which.
// RUN: not sieve-opt %s --sieve-convert-cvmm-to-gpu="precision=fp8" 2>&1 | FileCheck %s --check-prefix=PRECISION
// PRECISION: error: precision must be f32, tf32, f16 or bf16, got 'fp8'
// RUN: not sieve-opt %s --sieve-convert-cvmm-to-gpu="k-tile=24" 2>&1 | FileCheck %s --check-prefix=KTILE
// KTILE: error: tile configuration warps-m=2 warps-n=2 k-tile=24 stages=1 split-k=1 is invalid: k-tile must be a multiple of 16
// RUN: not sieve-opt %s --sieve-convert-cvmm-to-gpu="warps-m=8 warps-n=8" 2>&1 | FileCheck %s --check-prefix=WARPS
// WARPS: error: tile configuration warps-m=8 warps-n=8 k-tile=16 stages=1 split-k=1 is invalid: at most 32 warps may share a block
// RUN: not sieve-opt %s --sieve-convert-cvmm-to-gpu="stages=5" 2>&1 | FileCheck %s --check-prefix=STAGES
// STAGES: error: {{.*}} stages=5 split-k=1 is invalid: stages must be 1 to 4
// RUN: not sieve-opt %s --sieve-convert-cvmm-to-gpu="split-k=0" 2>&1 | FileCheck %s --check-prefix=SPLIT
// SPLIT: error: {{.*}} split-k=0 is invalid: split-k must be 1 to 64
// RUN: not sieve-opt %s --sieve-convert-cvmm-to-gpu="warps-m=4 warps-n=4 k-tile=32 stages=2" 2>&1 | FileCheck %s --check-prefix=SHARED
// SHARED: error: {{.*}} is invalid: its tiles need 71680 bytes of shared memory, more than the 49152 a block may have
func.func @empty() {
  return
}
