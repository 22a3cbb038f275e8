#ifndef ESCO_CBLAS_SHIM_H
#define ESCO_CBLAS_SHIM_H
// OpenBLAS's CBLAS interface (Debian: libopenblas-dev; pkg-config "openblas" adds the include path).
#include <cblas.h>

// Row-major C = alpha * A * op(B) + beta * C, the one product shape the encoder needs, with plain int
// arguments so Swift does not have to spell the CBLAS enums.
static inline void esco_sgemm(int transB, int m, int n, int k, float alpha, const float *a, int lda,
                              const float *b, int ldb, float beta, float *c, int ldc) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, transB ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb,
                beta, c, ldc);
}
#endif
