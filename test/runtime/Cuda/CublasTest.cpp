//===- CublasTest.cpp - row-major GEMMs as column-major cuBLAS calls ------===//
//
// The argument arithmetic of Cublas::gemm, checked without a GPU: the
// column-major call columnMajorCall() makes, run by a plain column-major
// GEMM with BLAS's semantics, gives the row-major product for every
// combination of transposed operands.
//
//===----------------------------------------------------------------------===//

#include "runtime/Cuda/Cublas.h"

#include <random>
#include <vector>

#if __has_include(<cublas_api.h>)
#include <cublas_api.h>
#endif

#include <gtest/gtest.h>

using namespace sieve::runtime::cuda;

namespace {

/// C = op(first) op(second), column-major, as BLAS defines gemm (beta 0),
/// for each of the call's batch of products at its strides.
void referenceColumnMajorGemm(const ColumnMajorCall &call,
                              const std::vector<double> &first,
                              const std::vector<double> &second,
                              std::vector<double> &output) {
  for (int64_t p = 0; p < call.batch; ++p) {
    const double *f = first.data() + p * call.strideFirst;
    const double *s = second.data() + p * call.strideSecond;
    double *o = output.data() + p * call.strideOutput;
    auto opFirst = [&](int64_t i, int64_t l) {
      return call.opFirst == kCublasOpN ? f[i + l * call.ldFirst]
                                        : f[l + i * call.ldFirst];
    };
    auto opSecond = [&](int64_t l, int64_t j) {
      return call.opSecond == kCublasOpN ? s[l + j * call.ldSecond]
                                         : s[j + l * call.ldSecond];
    };
    for (int64_t j = 0; j < call.n; ++j)
      for (int64_t i = 0; i < call.m; ++i) {
        double sum = 0;
        for (int64_t l = 0; l < call.k; ++l)
          sum += opFirst(i, l) * opSecond(l, j);
        o[i + j * call.ldOutput] = sum;
      }
  }
}

} // namespace

TEST(CublasTest, RowMajorGemmsMapToColumnMajorCalls) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> uniform(-1, 1);
  const int64_t m = 5, n = 7, k = 3;
  for (bool transposeA : {false, true})
    for (bool transposeB : {false, true}) {
      // A is m x k (stored k x m when transposed), B is k x n (n x k).
      std::vector<double> a(m * k), b(k * n), c(m * n, 0);
      for (double &v : a)
        v = uniform(rng);
      for (double &v : b)
        v = uniform(rng);
      auto opA = [&](int64_t i, int64_t l) {
        return transposeA ? a[l * m + i] : a[i * k + l];
      };
      auto opB = [&](int64_t l, int64_t j) {
        return transposeB ? b[j * k + l] : b[l * n + j];
      };
      RowMajorGemm gemm{m, n, k, transposeA, transposeB};
      ColumnMajorCall call = columnMajorCall(gemm);
      referenceColumnMajorGemm(call, b, a, c);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double expected = 0;
          for (int64_t l = 0; l < k; ++l)
            expected += opA(i, l) * opB(l, j);
          EXPECT_NEAR(c[i * n + j], expected, 1e-12)
              << "transposeA " << transposeA << " transposeB " << transposeB
              << " at (" << i << ", " << j << ")";
        }
    }
}

TEST(CublasTest, StridedBatchesWithPaddedRowsMapToo) {
  // Attention's shape: per (head, stream) pair, a T x dh block of a wider
  // row-major tensor times the transpose of an S x dh block, into T x S
  // blocks of a padded output.
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> uniform(-1, 1);
  const int64_t batch = 3, m = 4, n = 6, k = 5;
  const int64_t lda = 9, ldb = 8, ldc = 7;
  const int64_t strideA = m * lda + 2, strideB = n * ldb + 1,
                strideC = m * ldc + 3;
  std::vector<double> a(batch * strideA), b(batch * strideB),
      c(batch * strideC, -7.0);
  for (double &v : a)
    v = uniform(rng);
  for (double &v : b)
    v = uniform(rng);
  RowMajorGemm gemm{m,   n,   k,     false,   true,    lda,
                    ldb, ldc, batch, strideA, strideB, strideC};
  ColumnMajorCall call = columnMajorCall(gemm);
  EXPECT_EQ(call.batch, batch);
  referenceColumnMajorGemm(call, b, a, c);
  for (int64_t p = 0; p < batch; ++p)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < ldc; ++j) {
        double expected = -7.0; // padding is left alone
        if (j < n) {
          expected = 0;
          for (int64_t l = 0; l < k; ++l)
            expected +=
                a[p * strideA + i * lda + l] * b[p * strideB + j * ldb + l];
        }
        EXPECT_NEAR(c[p * strideC + i * ldc + j], expected, 1e-12)
            << "product " << p << " at (" << i << ", " << j << ")";
      }
}

TEST(CublasTest, LeadingDimensionsAreTheStoredRowLengths) {
  ColumnMajorCall call = columnMajorCall({32768, 4096, 512, false, true});
  EXPECT_EQ(call.m, 4096);
  EXPECT_EQ(call.n, 32768);
  EXPECT_EQ(call.k, 512);
  EXPECT_EQ(call.opFirst, kCublasOpT);
  EXPECT_EQ(call.ldFirst, 512);
  EXPECT_EQ(call.opSecond, kCublasOpN);
  EXPECT_EQ(call.ldSecond, 512);
  EXPECT_EQ(call.ldOutput, 4096);
}

#if __has_include(<cublas_api.h>)
// The cuBLAS ABI the runtime declares itself matches the toolkit's.
static_assert(CUBLAS_STATUS_SUCCESS == kCublasStatusSuccess);
static_assert(CUBLAS_OP_N == kCublasOpN && CUBLAS_OP_T == kCublasOpT);
static_assert(CUDA_R_32F == kCudaR32F && CUDA_R_16F == kCudaR16F &&
              CUDA_R_16BF == kCudaR16BF);
static_assert(CUBLAS_COMPUTE_32F == kCublasCompute32F);
static_assert(CUBLAS_COMPUTE_32F_PEDANTIC == kCublasCompute32FPedantic);
static_assert(CUBLAS_COMPUTE_32F_FAST_TF32 == kCublasCompute32FFastTf32);
static_assert(CUBLAS_GEMM_DEFAULT == kCublasGemmDefault);
#endif
