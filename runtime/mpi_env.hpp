#pragma once
// The MPI environment of one process: initialises MPI (or joins an existing
// initialisation), knows the world and node-local ranks, and registers the
// rank for error messages. Errors are returned (MPI_ERRORS_RETURN) and turned
// into tessera::Error by TESSERA_MPI_CHECK.
#include <string>

namespace tessera {

class MpiEnvironment {
 public:
  MpiEnvironment(int* argc, char*** argv);
  ~MpiEnvironment();
  MpiEnvironment(const MpiEnvironment&) = delete;
  MpiEnvironment& operator=(const MpiEnvironment&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  int local_rank() const { return local_rank_; }  // rank among this node's processes
  int local_size() const { return local_size_; }
  // First line of MPI_Get_library_version ("Open MPI v4.1.4, ...").
  std::string library_version() const;
  // Whether the MPI library reports CUDA-aware transfers (Open MPI extension).
  bool cuda_aware() const;

  // Ends every rank of the job with `code` (a failure on one rank must not
  // leave the others waiting in a collective).
  [[noreturn]] static void abort(int code);

 private:
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
  bool owns_init_ = false;
};

}  // namespace tessera
