#include <zlib.h>

// inflateInit2 and deflateInit2 are macros that pass the library version and
// struct size; Swift cannot call macros, so these wrap them.
static inline int amsga_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
static inline int amsga_deflateInit2(z_streamp strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
