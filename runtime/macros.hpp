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
