#pragma once
// Checks an NCCL call; available when the build found NCCL (TESSERA_HAVE_NCCL).
#include <nccl.h>

#include <string>

#include "runtime/error.hpp"

#define TESSERA_NCCL_CHECK(call)                                                                   \
  do {                                                                                             \
    ncclResult_t tessera_nr_ = (call);                                                             \
    if (tessera_nr_ != ncclSuccess)                                                                \
      ::tessera::throw_error(std::string("NCCL error: ") + ncclGetErrorString(tessera_nr_), #call, \
                             __FILE__, __LINE__);                                                  \
  } while (0)
