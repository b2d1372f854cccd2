// RUN: sieve-opt %s --sieve-convert-to-scf | FileCheck %s --check-prefix=HOST
// RUN: sieve-opt %s --sieve-convert-to-scf=gpu=true | FileCheck %s --check-prefix=GPU

// PKM values: 4 heads x 32 selected rows of a 262144-row table.

// The host form: a task per token adds each selected row into the output
// row in turn, along the row.
// HOST-LABEL: func.func @pkm_values
// HOST: scf.parallel (%[[N:.*]]) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// HOST: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// HOST: %[[ROW:.*]] = arith.index_cast
// HOST: scf.for %[[D:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// HOST: memref.load %{{.*}}[%[[ROW]], %[[D]]]
// HOST: memref.load %{{.*}}[%[[N]], %[[D]]]
// HOST: memref.store %{{.*}}, %{{.*}}[%[[N]], %[[D]]]

// The GPU form: an iteration per output element, the column last (a
// warp's threads read consecutive elements of a row), the sum in a
// register through the selected rows, one store.
// GPU-LABEL: func.func @pkm_values
// GPU: scf.parallel (%[[N:.*]], %[[D:.*]]) = (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}}) step (%{{.*}}, %{{.*}}) {
// GPU-NEXT: %[[INIT:.*]] = memref.load %{{.*}}[%[[N]], %[[D]]] : memref<?x512xf32>
// GPU: %[[SUM:.*]] = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32) {
// GPU-NEXT: %[[W:.*]] = memref.load %{{.*}}[%[[N]], %[[J]]] : memref<?x128xf32>
// GPU-NEXT: %[[I:.*]] = memref.load %{{.*}}[%[[N]], %[[J]]] : memref<?x128xi32>
// GPU-NEXT: %[[ROW:.*]] = arith.index_cast %[[I]]
// GPU-NEXT: %[[V:.*]] = memref.load %{{.*}}[%[[ROW]], %[[D]]] : memref<262144x512xf32>
// GPU-NEXT: %[[P:.*]] = arith.mulf %[[W]], %[[V]]
// GPU-NEXT: %[[NEXT:.*]] = arith.addf %[[ACC]], %[[P]]
// GPU-NEXT: scf.yield %[[NEXT]]
// GPU: memref.store %[[SUM]], %{{.*}}[%[[N]], %[[D]]] : memref<?x512xf32>
// GPU-NOT: memref.store
// GPU: return
func.func @pkm_values(%w: memref<?x128xf32>, %i: memref<?x128xi32>,
                      %v: memref<262144x512xf32>, %y: memref<?x512xf32>) {
  sieve.gather_sum ins(%w, %i, %v : memref<?x128xf32>, memref<?x128xi32>, memref<262144x512xf32>) outs(%y : memref<?x512xf32>)
  return
}

// 16-bit tensors: the GPU form, on the host too, widens each element to
// f32, sums in f32 and narrows once.
// HOST-LABEL: func.func @bf16_values
// HOST: scf.parallel (%{{.*}}, %{{.*}}) = (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}})
// HOST: scf.for {{.*}} iter_args({{.*}}) -> (f32) {
// HOST: arith.addf %{{.*}}, %{{.*}} : f32
// HOST: scf.yield
// HOST: arith.truncf
// HOST-NEXT: memref.store %{{.*}} : memref<?x8xbf16>
// HOST-NOT: memref.store
// HOST: return
// GPU-LABEL: func.func @bf16_values
// GPU: memref.load %{{.*}} : memref<?x8xbf16>
// GPU-NEXT: arith.extf
// GPU: scf.for
// GPU: arith.extf
// GPU: arith.addf %{{.*}}, %{{.*}} : f32
// GPU: scf.yield
// GPU: arith.truncf
// GPU-NEXT: memref.store %{{.*}} : memref<?x8xbf16>
func.func @bf16_values(%w: memref<?x3xbf16>, %i: memref<?x3xi32>,
                       %v: memref<10x8xbf16>, %y: memref<?x8xbf16>) {
  sieve.gather_sum ins(%w, %i, %v : memref<?x3xbf16>, memref<?x3xi32>, memref<10x8xbf16>) outs(%y : memref<?x8xbf16>)
  return
}
