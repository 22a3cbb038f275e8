#ifndef ESCO_CZLIB_SHIM_H
#define ESCO_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro; windowBits 15+32 auto-detects gzip/zlib, -15 is raw deflate (zip members).
static inline int esco_inflate_init2(z_stream *s, int windowBits) { return inflateInit2(s, windowBits); }
#endif
