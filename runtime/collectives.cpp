#include "runtime/collectives.hpp"

#include <mpi.h>

#include <cmath>
#include <limits>

#include "runtime/mpi_check.hpp"

namespace tessera::collectives {

bool active() {
  int init = 0, fin = 0;
  MPI_Initialized(&init);
  MPI_Finalized(&fin);
  return init && !fin;
}

namespace {

template <class T>
T allreduce(T local, MPI_Datatype type, MPI_Op op) {
  if (!active()) return local;
  T out{};
  TESSERA_MPI_CHECK(MPI_Allreduce(&local, &out, 1, type, op, MPI_COMM_WORLD));
  return out;
}
}  // namespace

int rank() {
  if (!active()) return 0;
  int r = 0;
  TESSERA_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &r));
  return r;
}

int size() {
  if (!active()) return 1;
  int s = 1;
  TESSERA_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &s));
  return s;
}

int local_rank() {
  if (!active()) return 0;
  MPI_Comm node = MPI_COMM_NULL;
  TESSERA_MPI_CHECK(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank(), MPI_INFO_NULL, &node));
  int r = 0;
  MPI_Comm_rank(node, &r);
  MPI_Comm_free(&node);
  return r;
}

namespace {
// MPI_MIN/MPI_MAX on NaN are implementation-defined (Open MPI's answer depends
// on which rank holds it). A NaN anywhere must win, as in reduce_min/max, so
// that a blown-up state on one rank stops every rank: the value and a NaN flag
// travel together.
double nan_propagating(double v, MPI_Op op) {
  if (!active()) return v;
  double in[2] = {std::isnan(v) ? 0.0 : (op == MPI_MIN ? v : -v), std::isnan(v) ? -1.0 : 0.0}, out[2];
  TESSERA_MPI_CHECK(MPI_Allreduce(in, out, 2, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD));
  if (out[1] < 0) return std::numeric_limits<double>::quiet_NaN();
  return op == MPI_MIN ? out[0] : -out[0];
}
}  // namespace

double min(double v) { return nan_propagating(v, MPI_MIN); }
double max(double v) { return nan_propagating(v, MPI_MAX); }
double sum(double v) { return allreduce(v, MPI_DOUBLE, MPI_SUM); }
std::int64_t sum(std::int64_t v) { return allreduce(v, MPI_INT64_T, MPI_SUM); }
std::int64_t max(std::int64_t v) { return allreduce(v, MPI_INT64_T, MPI_MAX); }
bool any(bool v) { return allreduce(v ? 1 : 0, MPI_INT, MPI_MAX) != 0; }

std::vector<double> sum(const std::vector<double>& local) {
  if (!active() || local.empty()) return local;
  std::vector<double> out(local.size());
  TESSERA_MPI_CHECK(
      MPI_Allreduce(local.data(), out.data(), static_cast<int>(local.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD));
  return out;
}

std::vector<std::string> gather_to_root(const std::string& local) {
  if (!active()) return {local};
  const int r = rank(), n = size();
  int len = static_cast<int>(local.size());
  std::vector<int> lens(r == 0 ? n : 0), offs(r == 0 ? n : 0);
  TESSERA_MPI_CHECK(MPI_Gather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, 0, MPI_COMM_WORLD));
  std::string all;
  if (r == 0) {
    int total = 0;
    for (int i = 0; i < n; ++i) {
      offs[i] = total;
      total += lens[i];
    }
    all.resize(static_cast<std::size_t>(total));
  }
  TESSERA_MPI_CHECK(MPI_Gatherv(local.data(), len, MPI_CHAR, all.data(), lens.data(), offs.data(), MPI_CHAR, 0,
                                MPI_COMM_WORLD));
  std::vector<std::string> out;
  if (r == 0)
    for (int i = 0; i < n; ++i) out.push_back(all.substr(static_cast<std::size_t>(offs[i]), static_cast<std::size_t>(lens[i])));
  return out;
}

std::vector<std::string> all_gather(const std::string& local) {
  if (!active()) return {local};
  const int n = size();
  int len = static_cast<int>(local.size());
  std::vector<int> lens(n), offs(n);
  TESSERA_MPI_CHECK(MPI_Allgather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, MPI_COMM_WORLD));
  int total = 0;
  for (int i = 0; i < n; ++i) {
    offs[i] = total;
    total += lens[i];
  }
  std::string all(static_cast<std::size_t>(total), '\0');
  TESSERA_MPI_CHECK(MPI_Allgatherv(local.data(), len, MPI_CHAR, all.data(), lens.data(), offs.data(), MPI_CHAR,
                                   MPI_COMM_WORLD));
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(all.substr(static_cast<std::size_t>(offs[i]), static_cast<std::size_t>(lens[i])));
  return out;
}

std::string broadcast_from_root(const std::string& value) {
  if (!active()) return value;
  long long len = static_cast<long long>(value.size());
  TESSERA_MPI_CHECK(MPI_Bcast(&len, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD));
  std::string out = rank() == 0 ? value : std::string(static_cast<std::size_t>(len), '\0');
  if (len > 0) TESSERA_MPI_CHECK(MPI_Bcast(out.data(), static_cast<int>(len), MPI_CHAR, 0, MPI_COMM_WORLD));
  return out;
}

std::int64_t exclusive_prefix_sum(std::int64_t local) {
  if (!active()) return 0;
  std::int64_t out = 0;
  TESSERA_MPI_CHECK(MPI_Exscan(&local, &out, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD));
  // MPI leaves rank 0's result undefined.
  return rank() == 0 ? 0 : out;
}

void barrier() {
  if (active()) TESSERA_MPI_CHECK(MPI_Barrier(MPI_COMM_WORLD));
}

}  // namespace tessera::collectives
