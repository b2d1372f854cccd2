//===- Passes.td - conversions out of the sieve dialect -------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_PASSES_TD
#define SIEVE_COMPILER_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertSieveToSCF : Pass<"sieve-convert-to-scf"> {
  let summary = "Lower sieve primitives on buffers to scf, memref, arith and math";
  let description = [{
    Replaces every sieve primitive with buffer semantics (after one-shot
    bufferization) by loops over its memrefs that compute exactly the
    semantics of the op's description: the reference lowering of the host
    target. Loops whose iterations are independent are `scf.parallel`
    (tokens for routing, top-K and gather-sum; output columns for CVMM;
    (expert, row) for the CVMM weight gradient), so that
    `convert-scf-to-openmp` spreads them over the cores. Arithmetic on f16
    and bf16 operands is done in f32. `memref.copy` becomes parallel loops
    too, so that no copy calls MLIR's C runner library, which bundles do not
    link.

    Primitives still on tensors are left alone; the pass fails if one
    remains, naming it.

    With `gpu`, loops that a GPU runs an iteration per thread take the
    form that suits it: `gather_sum` becomes `scf.parallel` over (token,
    column), the column fastest, summing the selected rows in a register,
    so that a warp reads consecutive elements of each row and writes the
    output once (the host form adds each row into the output row in turn,
    vectorised along it).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect"
  ];
  let options = [
    Option<"gpu", "gpu", "bool", "false",
           "Lower for a GPU target (an iteration per thread)">
  ];
}

def SplitMatmulReductions : Pass<"sieve-split-matmul-reductions"> {
  let summary = "Sum token-long matmul reductions in chunks, for GPU threads";
  let description = [{
    GPU targets' "loops" stage. A `linalg.matmul` on buffers whose
    reduction runs over a dynamic (token) dimension of its first operand —
    a weight gradient such as σ-MoE's router `dW3 = xᵀ dscores` or a dense
    layer's `dW1 = xᵀ dh` — would otherwise become a thread per output
    element summing every token's product in a row. It becomes two
    `scf.parallel` nests instead: a thread per (chunk of `chunk-size`
    reduction steps, output element) writes its chunk's sum into an f32
    buffer of partial sums, then a thread per output element adds the
    chunks, in chunk order, to the output. The order of additions depends
    only on the chunk size, so results are the same from run to run; sums
    are f32 whatever the element types (16-bit outputs are rounded once).
    Matmuls with a static reduction are left alone.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
  let options = [
    Option<"chunkSize", "chunk-size", "int64_t", "256",
           "Reduction steps summed by one thread">
  ];
}

def ConvertGemmsToVector : Pass<"sieve-convert-gemms-to-vector"> {
  let summary = "Lower CVMM, its weight gradient and matmuls to tiled vector GEMMs";
  let description = [{
    The host's fast path for the compute-heavy ops, on f32 buffers: each
    becomes GotoBLAS-style blocked loops around a 6 x 16 register tile of
    `vector.fma` on `vector<8xf32>` (12 accumulators, AVX2), with the
    reduction blocked so a B panel stays in L1.

    - `sieve.cvmm`: one GEMM per expert on the rows dispatch sorted to it
      (App. B.1), never a per-token vector-matrix loop; gathered input rows
      are read through the sorted pairs, not copied. Sorted outputs are
      split into row chunks across threads, token outputs (several pairs add
      into one token row) into column chunks. A transposed weight is
      transposed into a scratch buffer first.
    - `sieve.cvmm_weight_grad`: per (expert, chunk of weight rows), a GEMM
      reducing over the expert's rows.
    - `linalg.matmul` with default maps, a transposed A or a transposed B
      (the backward pass's products), split by chunks of output rows.

    Ops with other element types or maps are left for `sieve-convert-to-scf`
    and `convert-linalg-to-parallel-loops`. The parallel loops are
    `scf.parallel`, for `convert-scf-to-openmp`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
  let options = [
    Option<"kBlock", "k-block", "int64_t", "256",
           "Reduction steps per packed block">,
    Option<"mBlock", "m-block", "int64_t", "96",
           "Rows per packed A block">,
    Option<"rowChunk", "row-chunk", "int64_t", "96",
           "Sorted rows (CVMM) or output rows (matmul) per parallel task">,
    Option<"columnChunk", "column-chunk", "int64_t", "128",
           "Output columns per parallel task of a token-row CVMM (a "
           "multiple of 16)">
  ];
}

def MapLoopsToGPU : Pass<"sieve-map-loops-to-gpu", "ModuleOp"> {
  let summary = "Run every entry point's loops as GPU kernels";
  let description = [{
    The GPU targets' counterpart of `convert-scf-to-openmp`: after the
    loops stage (scf, memref, arith, math; no vector GEMMs), every op of an
    entry point that reads or writes a buffer must run on the device. Each
    top-level `scf.parallel` becomes one `gpu.launch` with one thread per
    iteration of its flattened iteration space (the last dimension
    fastest), in blocks of `block-size` threads, guarded against empty
    ranges. Each run of serial code — loops with carried state, single
    loads and stores, and every op that uses a value they compute — becomes
    a one-thread `gpu.launch`. `scf.parallel` nested in either runs
    sequentially in its thread. Allocations, `memref.dim` and scalar
    arithmetic on sizes stay on the host (deallocations move after the
    launch that last uses their buffer); a GPU bundle's `memref.alloc` is
    served by the runtime's device allocator. An allocation sized by a value
    computed on the device is an error.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::scf::SCFDialect"
  ];
  let options = [
    Option<"blockSize", "block-size", "int64_t", "256",
           "Threads per block of a parallel nest's launch (1 to 1024)">
  ];
}

def ExpandGpuTileVariants
    : Pass<"sieve-expand-gpu-tile-variants", "::mlir::ModuleOp"> {
  let summary = "Give each CVMM entry point one copy per GPU tile configuration";
  let description = [{
    A bundle holds several variants of each kernel, for the tuner (or the
    user) to choose from at run time. Each public function holding a
    `sieve.cvmm` or `sieve.cvmm_weight_grad` keeps its name and gets the
    first configuration of `tiles` as its `sieve.gpu_tiles` attribute; for
    every further configuration i a copy named `<name>__tiles<i>` gets that
    configuration and `sieve.variant_of = "<name>"`.
    `sieve-convert-cvmm-to-gpu` then generates each copy's kernels with its
    own tiles. Functions without CVMM have nothing to tune and get no
    copies.

    A configuration that gives every CVMM of a function the same kernel as
    an earlier configuration adds no copy for it (the names keep the
    configuration's position, so `__tiles2` is always the third): split-K
    only splits weight gradients, bf16/f16 operands on `mma.sync` tiles
    take one stage, and with `wgmma` a variant's warpgroup form (see
    `sieve-convert-cvmm-to-gpu`) ignores the k-tile.

    A configuration is written `MxNxKxSxP`: warps along rows and columns,
    the k-tile, the pipeline stages and the weight gradient's split-K (see
    `sieve-convert-cvmm-to-gpu`). An unparsable or invalid one is an error
    that says why.
  }];
  let options = [
    ListOption<"tiles", "tiles", "std::string",
               "Tile configurations MxNxKxSxP, the default one first">,
    Option<"wgmma", "wgmma", "bool", "false",
           "The CVMMs will be lowered as by sieve-convert-cvmm-to-gpu{wgmma} "
           "(sm_90a): compare variants by their warpgroup MMA form">
  ];
}

def ConvertDispatchToRuntime
    : Pass<"sieve-convert-dispatch-to-runtime", "::mlir::ModuleOp"> {
  let summary = "Sort the routed pairs with the runtime's CUB kernels";
  let description = [{
    GPU targets (`sieve compile --gpu-dispatch cub`): every `sieve.dispatch`
    on i32 buffers with at most 1023 experts becomes a call of
    `sieve_gpu_sort_pairs_by_expert(experts, pairs, offsets)`, declared
    private with a C interface, which the CUDA runtime implements with CUB's
    block radix sort and scan compiled by NVRTC at run time (the support
    kernels the compiler does not generate). The call runs on the host and
    enqueues on the calling thread's stream, so `sieve-map-loops-to-gpu`
    leaves it there (`sieve.runtime_call` on the declaration). Other
    dispatches keep the generated chunked counting sort. The number of
    experts is the offsets' size less one.
  }];
  let dependentDialects = [
    "::mlir::func::FuncDialect", "::mlir::memref::MemRefDialect"
  ];
}

def ConvertCvmmToGPU : Pass<"sieve-convert-cvmm-to-gpu"> {
  let summary = "Lower CVMM and its weight gradient to tiled GPU kernels";
  let description = [{
    The GPU targets' fast path for the compute-heavy primitives, on f32,
    bf16 or f16 buffers (others are left for `sieve-convert-to-scf`):

    - `sieve.cvmm` becomes a grouped GEMM over the rows dispatch sorted by
      expert: one thread block per (tile of one expert's sorted rows,
      tile of output columns). Blocks find their expert by walking the
      offsets, so there is no launch per expert, no host-side schedule and
      no padding to the largest expert. Token-addressed input rows are
      gathered through the sorted pairs while the A tile is loaded; sorted
      output rows are written by their block alone, token output rows
      (one pair per slot) are added atomically.
    - `sieve.cvmm_weight_grad` becomes one GEMM per expert reducing over its
      rows, a block per (m tile, column tile, expert): deterministic.

    A block has `warps-m` x `warps-n` warps, each computing 32 x 32
    outputs as 16 x 8 fragments; the reduction advances `k-tile` steps at
    a time through shared memory. `precision=tf32` computes the fragments
    with `nvgpu.mma.sync` m16n8k8 (tensor cores, TF32 inputs, f32 sums);
    `precision=f16` and `precision=bf16` with m16n8k16 (operands rounded to
    f16 / bf16 as the fragments are built, f32 sums; bf16 through
    `nvvm.mma.sync`, which `nvgpu` does not lower); `precision=f32` with
    f32 FMAs on the same fragments (exact, to check against).

    With `stages` > 1 the shared tiles become a ring of that many buffers
    filled by `cp.async` (`nvgpu.device_async_copy`, zero-filled outside
    the operands), `stages` - 1 reduction steps ahead of the tensor cores.
    `split-k` > 1 splits each expert's weight-gradient reduction over that
    many blocks, which add their parts atomically (faster when there are
    few experts with many rows each, but the order of the sums, and so the
    last bits, then vary from run to run). A configuration whose tiles need
    more than the 48 KiB of static shared memory a block may have is
    refused.

    A function's `sieve.gpu_tiles` attribute (`"MxNxKxSxP"`, set by
    `sieve-expand-gpu-tile-variants`) overrides the tile options for the
    CVMMs inside it; the precision is the pass's.

    Operands stored as bf16 or f16 are widened into the f32 tiles as they
    are loaded (one stage: `cp.async` copies elements as they are); the
    precision option then says how the tensor cores round them back.
    With `wgmma` (sm_90a) those CVMMs instead run on Hopper's warpgroup
    MMA: a block of one warpgroup computes (64 warps-m) x (64 warps-n)
    outputs (64 or 128 rows by 64, 128 or 256 columns, at most 128
    accumulator registers a thread) with `wgmma.mma_async` m64nNk16 from
    shared tiles of 64-element rows in the 128-byte swizzle, k-tile 64
    whatever the option; the expert's weight tile comes by TMA
    (`nvgpu.tma.async.load` through a tensor map made on the host, the
    bytes counted on an mbarrier a buffer), gathered token rows and both
    operands of the weight gradient are stored by the threads in the same
    layout. The tiles are a ring of `stages` buffers in dynamic shared
    memory (the runtime raises the kernel's limit past 48 KiB): with more
    than one, the tensor cores multiply a step while the threads store the
    next, and TMA boxes are requested `stages` - 2 steps ahead; `split-k`
    splits the weight gradient as above. A weight TMA cannot read (dynamic
    shape, strided layout, rows not a multiple of 16 bytes) or tiles with no
    warpgroup form keep the `mma.sync` kernel.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
  let options = [
    Option<"warpsM", "warps-m", "int64_t", "2",
           "Warps along a block's rows (32 rows each)">,
    Option<"warpsN", "warps-n", "int64_t", "2",
           "Warps along a block's columns (32 columns each)">,
    Option<"kTile", "k-tile", "int64_t", "16",
           "Reduction steps staged in shared memory at a time (a multiple "
           "of 16)">,
    Option<"precision", "precision", "std::string", "\"f32\"",
           "f32 (exact FMAs), tf32, f16 or bf16 (tensor cores)">,
    Option<"stages", "stages", "int64_t", "1",
           "Reduction steps in shared memory at once (1: synchronous loads; "
           "2 to 4: cp.async pipeline)">,
    Option<"splitK", "split-k", "int64_t", "1",
           "Blocks sharing one expert's weight-gradient reduction (1 to 64; "
           "more than 1 adds atomically)">,
    Option<"wgmma", "wgmma", "bool", "false",
           "sm_90a: CVMMs on bf16/f16 buffers as warpgroup MMA kernels, "
           "weights by TMA">
  ];
}

#endif // SIEVE_COMPILER_CONVERSION_PASSES_TD
