#pragma once
// Particles: structure-of-arrays storage on one Device for owned particles and,
// after them, ghost copies of neighbours' particles. Every column component is
// one array of 8-byte words (double or int64), so migration and ghost exchange
// can move any set of columns as fixed-size records.
//
// Always present: position (3 doubles) and id (int64). Solvers add their own
// columns (velocity 3, mass 1, type 1 as int64, ...) before adding particles.
// Storage grows geometrically and is never shrunk: steady state allocates nothing.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/buffer.hpp"
#include "runtime/device.hpp"

namespace tessera {

class Particles {
 public:
  explicit Particles(Device dev);

  // Extra columns; declare before the first resize. Returns the column index.
  int add_real_column(std::string name, int components);
  int add_int_column(std::string name, int components);
  int column(std::string_view name) const;  // throws tessera::Error for an unknown name
  int find_column(std::string_view name) const;  // -1 for an unknown name
  int columns() const;                      // position and id included (indices 0 and 1)
  int components(int column) const;
  bool is_real(int column) const;
  const std::string& column_name(int column) const;
  int record_words() const;  // 8-byte words per particle over all columns

  std::int64_t owned() const { return owned_; }
  std::int64_t ghosts() const { return ghosts_; }
  std::int64_t total() const { return owned_ + ghosts_; }
  std::int64_t capacity() const { return capacity_; }
  const Device& device() const { return dev_; }

  // Sets the owned count (keeps the first min(old, n) owned values, drops all
  // ghosts). Pointers below stay valid until the next resize, migrate or
  // build_ghosts.
  void resize_owned(std::int64_t n);
  void reserve(std::int64_t n);  // total capacity, owned + ghosts

  double* position(int axis);
  const double* position(int axis) const;
  std::int64_t* id();
  const std::int64_t* id() const;
  double* real(int column, int component = 0);
  const double* real(int column, int component = 0) const;
  std::int64_t* integer(int column, int component = 0);
  const std::int64_t* integer(int column, int component = 0) const;
  // Raw 8-byte words of one column component (any type).
  std::uint64_t* words(int column, int component);
  const std::uint64_t* words(int column, int component) const;

  // Host copies of owned + ghost values (tests, output, setup).
  std::vector<double> position_to_host(int axis) const;
  std::vector<std::int64_t> id_to_host() const;
  std::vector<double> real_to_host(int column, int component = 0) const;
  std::vector<std::int64_t> integer_to_host(int column, int component = 0) const;
  // Sets owned particles from host arrays (resize_owned first); n values each.
  void position_from_host(int axis, const std::vector<double>& v);
  void id_from_host(const std::vector<std::int64_t>& v);
  void real_from_host(int column, int component, const std::vector<double>& v);
  void integer_from_host(int column, int component, const std::vector<std::int64_t>& v);

  // For ParticleExchange: sets the ghost count after it wrote ghost records.
  void set_ghosts(std::int64_t n);
  // Swaps every column with its alternate storage (double buffering for
  // stable compaction); capacity is shared.
  void swap_alternate();
  std::uint64_t* alternate_words(int column, int component);

 private:
  struct Column {
    std::string name;
    int components = 1;
    bool real = true;
  };
  Device dev_;
  std::vector<Column> columns_;
  std::vector<Buffer<std::uint64_t>> data_, alt_;  // one per column component
  std::vector<int> first_array_;                   // column -> index of its first component in data_
  std::int64_t owned_ = 0, ghosts_ = 0, capacity_ = 0;
};

}  // namespace tessera
