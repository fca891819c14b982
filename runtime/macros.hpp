#pragma once
// Portability macros shared by every kernel body. physics/ may include this
// file and nothing else from runtime/.

#if defined(__CUDACC__)
#define TESSERA_HD __host__ __device__
#define TESSERA_DEVICE_FN __device__
#define TESSERA_INLINE __forceinline__
#else
#define TESSERA_HD
#define TESSERA_DEVICE_FN
#define TESSERA_INLINE inline
#endif

// True while compiling the device side of a .cu file.
#if defined(__CUDA_ARCH__)
#define TESSERA_ON_DEVICE 1
#else
#define TESSERA_ON_DEVICE 0
#endif

// Full unrolling of a short fixed-trip loop (axes, conserved components), so
// that small per-thread arrays indexed by the loop variable stay in
// registers on GPUs instead of local memory. Keyed on __CUDA_ARCH__, not
// __CUDACC__: nvcc hands the host side of a .cu file to g++, which does not
// know "#pragma unroll" and warns on every use.
#if defined(__CUDA_ARCH__)
#define TESSERA_UNROLL _Pragma("unroll")
#elif defined(__CUDACC__)
// The host side of a .cu file: nvcc's front end rejects GCC's pragma.
#define TESSERA_UNROLL
#elif defined(__GNUC__) && !defined(__clang__)
#define TESSERA_UNROLL _Pragma("GCC unroll 8")
#else
#define TESSERA_UNROLL
#endif
