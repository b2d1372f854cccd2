//===- RoutingSupport.cpp - sorting the routed pairs with CUB on the GPU --===//

#include "runtime/Cuda/RoutingSupport.h"

#include "runtime/Core/Error.h"
#include "runtime/Cuda/Nvrtc.h"

#include <cstdlib>
#include <mutex>

using namespace sieve::runtime;
using namespace sieve::runtime::cuda;

namespace {
constexpr int kThreads = 128, kItems = 8, kTile = kThreads * kItems;
constexpr int kScanThreads = 1024;
} // namespace

const std::string &sieve::runtime::cuda::routingSupportSource() {
  static const std::string source = R"(
#include <cub/block/block_radix_sort.cuh>
#include <cub/block/block_scan.cuh>

constexpr int kThreads = 128, kItems = 8, kTile = kThreads * kItems;
constexpr int kScanThreads = 1024;

// The bucket of pair p: its expert, or numExperts when it is not routed.
__device__ int bucketOf(const int *experts, int p, int numExperts) {
  int e = experts[p];
  return e >= 0 && e < numExperts ? e : numExperts;
}

// Each tile's pairs sorted stably by bucket (items in blocked order, so
// CUB's rank keeps the pairs' order within a bucket; padding past the last
// pair sorts after every bucket) and the tile's count of each bucket.
extern "C" __global__ void __launch_bounds__(kThreads)
sieve_sort_tiles(const int *experts, int numPairs, int numExperts,
                 int bucketBits, int *tilePairs, int *tileCounts) {
  using Sort = cub::BlockRadixSort<int, kThreads, kItems, int>;
  __shared__ typename Sort::TempStorage temp;
  int buckets = numExperts + 1, tile = blockIdx.x;
  int keys[kItems], values[kItems];
  for (int i = 0; i < kItems; ++i) {
    int p = tile * kTile + threadIdx.x * kItems + i;
    keys[i] = p < numPairs ? bucketOf(experts, p, numExperts) : buckets;
    values[i] = p;
  }
  Sort(temp).Sort(keys, values, 0, bucketBits);
  for (int i = 0; i < kItems; ++i) {
    tilePairs[tile * kTile + threadIdx.x * kItems + i] = values[i];
    if (keys[i] < buckets)
      atomicAdd(&tileCounts[tile * buckets + keys[i]], 1);
  }
}

// One block: each bucket's counts become the tiles' starting positions
// (the bucket's start plus the earlier tiles' counts); the buckets' starts
// are an exclusive scan of their totals, and the experts' offsets.
extern "C" __global__ void __launch_bounds__(kScanThreads)
sieve_scan_tiles(int numTiles, int numExperts, int *tileCounts,
                 int *offsets) {
  using Scan = cub::BlockScan<int, kScanThreads>;
  __shared__ typename Scan::TempStorage temp;
  int buckets = numExperts + 1, b = threadIdx.x, total = 0;
  if (b < buckets)
    for (int t = 0; t < numTiles; ++t) {
      int count = tileCounts[t * buckets + b];
      tileCounts[t * buckets + b] = total;
      total += count;
    }
  int start = 0;
  Scan(temp).ExclusiveSum(b < buckets ? total : 0, start);
  if (b < buckets) {
    offsets[b] = start;
    for (int t = 0; t < numTiles; ++t)
      tileCounts[t * buckets + b] += start;
  }
}

// Each tile's sorted pairs to their places: a pair at sorted position s of
// its tile, in bucket b, goes to the tile's start for b plus its rank in
// the tile's run of b.
extern "C" __global__ void __launch_bounds__(kThreads)
sieve_scatter_tiles(const int *experts, int numPairs, int numExperts,
                    const int *tilePairs, const int *tileStarts, int *pairs) {
  extern __shared__ int runStart[];
  int buckets = numExperts + 1, tile = blockIdx.x, begin = tile * kTile;
  int count = min(kTile, numPairs - begin);
  for (int s = threadIdx.x; s < count; s += kThreads) {
    int b = bucketOf(experts, tilePairs[begin + s], numExperts);
    if (s == 0 || bucketOf(experts, tilePairs[begin + s - 1], numExperts) != b)
      runStart[b] = s;
  }
  __syncthreads();
  for (int s = threadIdx.x; s < count; s += kThreads) {
    int p = tilePairs[begin + s];
    int b = bucketOf(experts, p, numExperts);
    pairs[tileStarts[tile * buckets + b] + (s - runStart[b])] = p;
  }
}
)";
  return source;
}

std::unique_ptr<RoutingSupport>
RoutingSupport::create(GpuRuntime &runtime, const std::string &cacheDirectory,
                       std::vector<std::string> *notes) {
  std::string why;
  Nvrtc *nvrtc = Nvrtc::get(&why);
  if (!nvrtc)
    throw Error("the routing support kernels need NVRTC: " + why);
  Driver &driver = runtime.driver();
  std::string architecture =
      "compute_" + std::to_string(driver.computeCapability());
  NvrtcResult compiled =
      nvrtc->compile(routingSupportSource(), "sieve-routing-support.cu",
                     architecture, cacheDirectory);
  if (notes)
    notes->insert(notes->end(), compiled.notes.begin(), compiled.notes.end());

  std::unique_ptr<RoutingSupport> support(new RoutingSupport(runtime));
  const DriverApi &api = driver.api();
  driver.check(api.cuModuleLoadDataEx(&support->module_, compiled.ptx.c_str(),
                                      0, nullptr, nullptr),
               "loading the routing support kernels");
  driver.check(api.cuModuleGetFunction(&support->sortTiles_, support->module_,
                                       "sieve_sort_tiles"),
               "finding sieve_sort_tiles");
  driver.check(api.cuModuleGetFunction(&support->scanTiles_, support->module_,
                                       "sieve_scan_tiles"),
               "finding sieve_scan_tiles");
  driver.check(api.cuModuleGetFunction(&support->scatterTiles_,
                                       support->module_, "sieve_scatter_tiles"),
               "finding sieve_scatter_tiles");
  return support;
}

std::unique_ptr<RoutingSupport>
RoutingSupport::create(GpuExecutor &executor, const std::string &cacheDirectory,
                       std::vector<std::string> *notes) {
  std::unique_ptr<RoutingSupport> support =
      create(executor.runtime(), cacheDirectory, notes);
  support->executor_ = &executor;
  return support;
}

std::string RoutingSupport::defaultCacheDirectory() {
  std::string base;
  if (const char *dir = std::getenv("SIEVE_CACHE_DIR"); dir && *dir)
    base = dir;
  else if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    base = std::string(xdg) + "/sieve";
  else if (const char *home = std::getenv("HOME"); home && *home)
    base = std::string(home) + "/.cache/sieve";
  else
    base = "/tmp/sieve-cache";
  return base + "/nvrtc";
}

RoutingSupport &RoutingSupport::shared(GpuRuntime &runtime) {
  // Never destroyed, like the GpuRuntime it uses: unloading its module from
  // a static destructor could run after the driver has shut down.
  static std::mutex mutex;
  static RoutingSupport *instance = nullptr;
  std::lock_guard<std::mutex> lock(mutex);
  if (!instance)
    instance = create(runtime, defaultCacheDirectory()).release();
  return *instance;
}

int64_t RoutingSupport::maxExperts() { return kScanThreads - 1; }

RoutingSupport::~RoutingSupport() {
  if (module_)
    runtime_.driver().api().cuModuleUnload(module_);
}

void RoutingSupport::launch(CUfunction function, unsigned grid, unsigned block,
                            unsigned sharedBytes, void **arguments,
                            CUstream stream, const std::string &what) {
  runtime_.driver().check(runtime_.driver().api().cuLaunchKernel(
                              function, grid, 1, 1, block, 1, 1, sharedBytes,
                              stream, arguments, nullptr),
                          "launching " + what);
}

void RoutingSupport::sortPairsByExpert(const DeviceTensor &experts,
                                       int64_t numExperts, DeviceTensor &pairs,
                                       DeviceTensor &offsets) {
  auto expect = [](bool ok, const std::string &what) {
    if (!ok)
      throw Error("sortPairsByExpert: " + what);
  };
  expect(executor_ != nullptr, "this instance has no executor; use "
                               "enqueueSort with a stream");
  expect(experts.dtype() == DType::I32 && experts.shape().size() == 2,
         "experts must be i32 [tokens x K], got " + experts.describe());
  int64_t numPairs = experts.numel();
  expect(pairs.dtype() == DType::I32 && pairs.numel() == numPairs,
         "pairs must be i32 [" + std::to_string(numPairs) + "], got " +
             pairs.describe());
  expect(offsets.dtype() == DType::I32 && offsets.numel() == numExperts + 1,
         "offsets must be i32 [" + std::to_string(numExperts + 1) + "], got " +
             offsets.describe());
  enqueueSort(experts.address(), numPairs, numExperts, pairs.address(),
              offsets.address(), executor_->stream());
  executor_->synchronize("sorting the routed pairs by expert");
}

void RoutingSupport::enqueueSort(CUdeviceptr experts, int64_t numPairs,
                                 int64_t numExperts, CUdeviceptr pairs,
                                 CUdeviceptr offsets, CUstream stream) {
  auto expect = [](bool ok, const std::string &what) {
    if (!ok)
      throw Error("sorting the routed pairs by expert: " + what);
  };
  expect(numExperts >= 1 && numExperts <= maxExperts(),
         "needs 1 to " + std::to_string(maxExperts()) + " experts, got " +
             std::to_string(numExperts));
  expect(numPairs >= 0 && numPairs < (int64_t(1) << 31),
         "needs fewer than 2^31 pairs, got " + std::to_string(numPairs));

  int tiles = static_cast<int>((numPairs + kTile - 1) / kTile);
  int buckets = static_cast<int>(numExperts) + 1;
  int bucketBits = 1;
  while ((1 << bucketBits) <= buckets) // keys go up to `buckets` (padding)
    ++bucketBits;
  // Temporaries from the caching allocator, zeroed and released in stream
  // order (a later user of the memory on this stream runs after the sort).
  CachingAllocator &allocator = runtime_.allocator();
  const DriverApi &api = runtime_.driver().api();
  size_t pairBytes = sizeof(int) * size_t(std::max(tiles, 1)) * kTile;
  size_t countBytes = sizeof(int) * size_t(std::max(tiles, 1)) * buckets;
  CUdeviceptr tilePairs = allocator.allocate(pairBytes, stream);
  CUdeviceptr tileCounts = allocator.allocate(countBytes, stream);
  auto releaseTemporaries = [&] {
    allocator.release(tilePairs);
    allocator.release(tileCounts);
  };
  try {
    runtime_.driver().check(
        api.cuMemsetD8Async(tilePairs, 0, pairBytes, stream),
        "zero-filling the sort's tiles");
    runtime_.driver().check(
        api.cuMemsetD8Async(tileCounts, 0, countBytes, stream),
        "zero-filling the sort's counts");
    int n = static_cast<int>(numPairs), e = static_cast<int>(numExperts);
    if (tiles > 0) {
      void *sortArgs[] = {&experts,    &n,         &e,
                          &bucketBits, &tilePairs, &tileCounts};
      launch(sortTiles_, unsigned(tiles), kThreads, 0, sortArgs, stream,
             "sieve_sort_tiles");
    }
    void *scanArgs[] = {&tiles, &e, &tileCounts, &offsets};
    launch(scanTiles_, 1, kScanThreads, 0, scanArgs, stream,
           "sieve_scan_tiles");
    if (tiles > 0) {
      void *scatterArgs[] = {&experts, &n, &e, &tilePairs, &tileCounts, &pairs};
      launch(scatterTiles_, unsigned(tiles), kThreads,
             unsigned(buckets * sizeof(int)), scatterArgs, stream,
             "sieve_scatter_tiles");
    }
  } catch (...) {
    releaseTemporaries();
    throw;
  }
  releaseTemporaries();
}
