#pragma once
// Global reductions over all ranks (MPI_COMM_WORLD), in one place: the
// stable time step, diagnostics totals, error agreement. Each works without
// MPI initialised (a single process) by returning the local value.
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::collectives {

int rank();
// True between MPI_Init and MPI_Finalize; without MPI every collective is
// the identity on this process.
bool active();
int size();
// Rank among the processes on this node (GPU binding: local_rank % GPUs).
int local_rank();

// A NaN on any rank makes min and max NaN on every rank.
double min(double local);
double max(double local);
double sum(double local);
std::int64_t sum(std::int64_t local);
std::int64_t max(std::int64_t local);
// Element-wise sums of a vector (same length on every rank): one message for
// all diagnostics instead of one per value.
std::vector<double> sum(const std::vector<double>& local);
bool any(bool local);

// Rank 0 receives every rank's string in rank order; others get an empty list.
std::vector<std::string> gather_to_root(const std::string& local);
// Every rank's string, in rank order, on every rank.
std::vector<std::string> all_gather(const std::string& local);
// Rank 0's string on every rank.
std::string broadcast_from_root(const std::string& value);
// Sum of `local` over the ranks below this one (0 on rank 0): each rank's
// offset into a global array.
std::int64_t exclusive_prefix_sum(std::int64_t local);
void barrier();

}  // namespace tessera::collectives
