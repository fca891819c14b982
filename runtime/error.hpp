#pragma once
// tessera::Error: the one exception type that crosses layers. It carries what
// failed, the call that failed (if any), the source location and the MPI rank,
// so the driver can print one clear line per failure and exit non-zero.
#include <stdexcept>
#include <string>
#include <vector>

namespace tessera {

class Error : public std::runtime_error {
 public:
  // `what`: human sentence. `call`: the failing library call text (may be
  // empty). `where`: "file:line" (may be empty). Rank is taken from the
  // process-wide rank registered by the MPI environment (-1 before MPI init).
  explicit Error(const std::string& what, std::string call = {}, std::string where = {});

  const std::string& message() const { return message_; }
  const std::string& call() const { return call_; }
  const std::string& where() const { return where_; }
  int rank() const { return rank_; }

  // "rank 3: cudaMalloc failed: out of memory [cudaMalloc(&p, n) at runtime/memory.cpp:41]"
  std::string describe() const;

 private:
  std::string message_, call_, where_;
  int rank_;
};

// A problem the user can fix in the input (deck, command line): the CLI exits
// with status 2 and nothing runs. One instance may carry several problems.
class InputError : public Error {
 public:
  explicit InputError(std::string problem);
  explicit InputError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

// Process-wide rank used in error messages; set once by MpiEnvironment.
void set_error_rank(int rank);
int error_rank();

[[noreturn]] void throw_error(const std::string& what, const char* call, const char* file, int line);

}  // namespace tessera

#define TESSERA_STRINGIFY_(x) #x
#define TESSERA_STRINGIFY(x) TESSERA_STRINGIFY_(x)

// Internal invariant / argument checks (not for user input: use InputError).
#define TESSERA_REQUIRE(cond, msg)                                            \
  do {                                                                        \
    if (!(cond)) ::tessera::throw_error((msg), #cond, __FILE__, __LINE__);    \
  } while (0)
