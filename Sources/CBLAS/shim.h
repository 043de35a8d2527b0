// OpenBLAS's own cblas.h (found through pkg-config `openblas`) declares the CBLAS
// products and OpenBLAS's extensions (openblas_get_corename, openblas_set_num_threads).
#include <cblas.h>
