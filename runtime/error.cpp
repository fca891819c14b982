#include "runtime/error.hpp"

#include <atomic>

namespace tessera {

namespace {
std::atomic<int> g_rank{-1};

std::string strip_source_root(const std::string& file) {
  // Keep paths relative to the repository so messages are short and stable.
  for (const char* top : {"runtime/", "decomposition/", "physics/", "solvers/", "io/", "tests/", "bench/"}) {
    auto pos = file.rfind(top);
    if (pos != std::string::npos) return file.substr(pos);
  }
  return file;
}
}  // namespace

void set_error_rank(int rank) { g_rank = rank; }
int error_rank() { return g_rank; }

Error::Error(const std::string& what, std::string call, std::string where)
    : std::runtime_error(what), message_(what), call_(std::move(call)), where_(strip_source_root(where)),
      rank_(g_rank.load()) {}

std::string Error::describe() const {
  std::string s;
  if (rank_ >= 0) s += "rank " + std::to_string(rank_) + ": ";
  s += message_;
  if (!call_.empty() || !where_.empty()) {
    s += " [";
    s += call_;
    if (!call_.empty() && !where_.empty()) s += " at ";
    s += where_;
    s += "]";
  }
  return s;
}

namespace {
std::string join_lines(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& line : v) {
    if (!s.empty()) s += '\n';
    s += line;
  }
  return s;
}
}  // namespace

InputError::InputError(std::string problem) : Error(problem), problems_{std::move(problem)} {}
InputError::InputError(std::vector<std::string> problems) : Error(join_lines(problems)), problems_(std::move(problems)) {}

void throw_error(const std::string& what, const char* call, const char* file, int line) {
  throw Error(what, call ? call : "", std::string(file) + ":" + std::to_string(line));
}

}  // namespace tessera
