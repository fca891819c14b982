#pragma once
// Checks an MPI call (communicators use MPI_ERRORS_RETURN so errors come back).
#include <mpi.h>

#include <string>

#include "runtime/error.hpp"

namespace tessera::detail {
std::string mpi_error_string(int code);
}

#define TESSERA_MPI_CHECK(call)                                                                       \
  do {                                                                                                \
    int tessera_rc_ = (call);                                                                         \
    if (tessera_rc_ != MPI_SUCCESS)                                                                   \
      ::tessera::throw_error("MPI error: " + ::tessera::detail::mpi_error_string(tessera_rc_), #call, \
                             __FILE__, __LINE__);                                                     \
  } while (0)
