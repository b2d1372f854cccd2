//===- GemmTunables.h - the host GEMM kernels' tunables -------------------===//
//
// The sizes sieve-convert-gemms-to-vector blocks and splits work by. They are
// the pass's options; the loops stage passes them explicitly, so they are
// part of the kernel cache key, and the bundle manifest records them. The
// register tile (6 x 16 f32, AVX2's 16 registers) is fixed.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_COMPILER_CONVERSION_SIEVETOVECTOR_GEMMTUNABLES_H
#define SIEVE_COMPILER_CONVERSION_SIEVETOVECTOR_GEMMTUNABLES_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mlir::sieve {

struct GemmTunables {
  /// Reduction steps per packed block (a B panel block stays in L1).
  int64_t kBlock = 256;
  /// Rows per packed A block (stays in L2).
  int64_t mBlock = 96;
  /// Sorted rows (CVMM) or output rows (matmul) per parallel task.
  int64_t rowChunk = 96;
  /// Output columns per parallel task of a token-row CVMM (a multiple of
  /// the 16-column panel).
  int64_t columnChunk = 128;

  /// Every tunable with its value, as the manifest lists them.
  std::vector<std::pair<std::string, int64_t>> list() const {
    return {{"tile_rows", 6},        {"tile_columns", 16},
            {"k_block", kBlock},     {"m_block", mBlock},
            {"row_chunk", rowChunk}, {"column_chunk", columnChunk}};
  }
  /// The pass's option string, e.g. "k-block=256 m-block=96 ...".
  std::string passOptions() const {
    return "k-block=" + std::to_string(kBlock) +
           " m-block=" + std::to_string(mBlock) +
           " row-chunk=" + std::to_string(rowChunk) +
           " column-chunk=" + std::to_string(columnChunk);
  }
};

} // namespace mlir::sieve

#endif // SIEVE_COMPILER_CONVERSION_SIEVETOVECTOR_GEMMTUNABLES_H
