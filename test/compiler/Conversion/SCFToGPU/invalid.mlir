// RUN: sieve-opt %s --sieve-map-loops-to-gpu --split-input-file -verify-diagnostics
// RUN: not sieve-opt %s --sieve-map-loops-to-gpu="block-size=2048" 2>&1 | FileCheck %s --check-prefix=BLOCK
// BLOCK: block-size must be in [1, 1024], got 2048

// An allocation whose size is read from device memory cannot be made on
// the host.
func.func @sized_on_device(%sizes: memref<1xindex>) {
  %c0 = arith.constant 0 : index
  %n = memref.load %sizes[%c0] : memref<1xindex>
  // expected-error @+1 {{'memref.alloc' op is sized by values computed on the GPU; a GPU target allocates on the host}}
  %buffer = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %buffer : memref<?xf32>
  return
}
