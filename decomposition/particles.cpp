#include "decomposition/particles.hpp"

#include <algorithm>
#include <utility>

#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "runtime/memory.hpp"

namespace tessera {

namespace {

constexpr int kPositionColumn = 0;
constexpr int kIdColumn = 1;
// Growth factor 1.5: a particle count that drifts upward reallocates a
// logarithmic number of times, without doubling the memory of a large run.
constexpr std::int64_t kMinCapacity = 64;

std::int64_t grown_capacity(std::int64_t current, std::int64_t needed) {
  return std::max({needed, current + current / 2, kMinCapacity});
}

}  // namespace

Particles::Particles(Device dev) : dev_(std::move(dev)) {
  add_real_column("position", 3);
  add_int_column("id", 1);
}

int Particles::add_real_column(std::string name, int components) {
  if (name.empty()) throw Error("Particles: a column needs a name");
  if (components < 1) throw Error(strfmt("Particles: column '%s' needs at least one component", name.c_str()));
  for (const Column& c : columns_)
    if (c.name == name) throw Error(strfmt("Particles: column '%s' declared twice", name.c_str()));
  // Values of a column added to live particles would be undefined.
  if (total() > 0)
    throw Error(strfmt("Particles: column '%s' declared after particles were added; declare columns first",
                       name.c_str()));
  first_array_.push_back(static_cast<int>(data_.size()));
  columns_.push_back(Column{std::move(name), components, true});
  for (int k = 0; k < components; ++k) {
    data_.emplace_back(dev_, static_cast<std::size_t>(capacity_));
    alt_.emplace_back(dev_, static_cast<std::size_t>(capacity_));
  }
  return static_cast<int>(columns_.size()) - 1;
}

int Particles::add_int_column(std::string name, int components) {
  int c = add_real_column(std::move(name), components);
  columns_[c].real = false;
  return c;
}

int Particles::find_column(std::string_view name) const {
  for (std::size_t c = 0; c < columns_.size(); ++c)
    if (columns_[c].name == name) return static_cast<int>(c);
  return -1;
}

int Particles::column(std::string_view name) const {
  if (const int c = find_column(name); c >= 0) return c;
  std::string known;
  for (const Column& c : columns_) known += (known.empty() ? "" : ", ") + c.name;
  throw Error(strfmt("Particles: no column named '%.*s' (columns: %s)", static_cast<int>(name.size()), name.data(),
                     known.c_str()));
}

int Particles::columns() const { return static_cast<int>(columns_.size()); }

int Particles::components(int column) const {
  TESSERA_REQUIRE(column >= 0 && column < columns(), "Particles: column index out of range");
  return columns_[column].components;
}

bool Particles::is_real(int column) const {
  TESSERA_REQUIRE(column >= 0 && column < columns(), "Particles: column index out of range");
  return columns_[column].real;
}

const std::string& Particles::column_name(int column) const {
  TESSERA_REQUIRE(column >= 0 && column < columns(), "Particles: column index out of range");
  return columns_[column].name;
}

int Particles::record_words() const { return static_cast<int>(data_.size()); }

void Particles::reserve(std::int64_t n) {
  if (n < 0) throw Error(strfmt("Particles::reserve: negative count %lld", static_cast<long long>(n)));
  if (n <= capacity_) return;
  const std::int64_t cap = grown_capacity(capacity_, n);
  const std::size_t keep = static_cast<std::size_t>(total()) * sizeof(std::uint64_t);
  for (std::size_t a = 0; a < data_.size(); ++a) {
    Buffer<std::uint64_t> grown(dev_, static_cast<std::size_t>(cap));
    memory::copy(grown.data(), dev_, data_[a].data(), dev_, keep);
    data_[a] = std::move(grown);
    // The alternate storage holds nothing between compactions: no copy.
    alt_[a] = Buffer<std::uint64_t>(dev_, static_cast<std::size_t>(cap));
  }
  capacity_ = cap;
}

void Particles::resize_owned(std::int64_t n) {
  if (n < 0) throw Error(strfmt("Particles::resize_owned: negative count %lld", static_cast<long long>(n)));
  ghosts_ = 0;  // before reserve, so growing copies owned values only
  owned_ = std::min(owned_, n);
  reserve(n);
  owned_ = n;
}

void Particles::set_ghosts(std::int64_t n) {
  TESSERA_REQUIRE(n >= 0 && owned_ + n <= capacity_, "Particles::set_ghosts: ghosts exceed the reserved capacity");
  ghosts_ = n;
}

void Particles::swap_alternate() { std::swap(data_, alt_); }

std::uint64_t* Particles::words(int column, int component) {
  TESSERA_REQUIRE(column >= 0 && column < columns() && component >= 0 && component < columns_[column].components,
                  "Particles: column or component index out of range");
  return data_[first_array_[column] + component].data();
}

const std::uint64_t* Particles::words(int column, int component) const {
  TESSERA_REQUIRE(column >= 0 && column < columns() && component >= 0 && component < columns_[column].components,
                  "Particles: column or component index out of range");
  return data_[first_array_[column] + component].data();
}

std::uint64_t* Particles::alternate_words(int column, int component) {
  TESSERA_REQUIRE(column >= 0 && column < columns() && component >= 0 && component < columns_[column].components,
                  "Particles: column or component index out of range");
  return alt_[first_array_[column] + component].data();
}

// Columns hold 8-byte words; the typed accessors reinterpret them after
// checking the column's declared type, so a wrong-type read cannot go unnoticed.
double* Particles::position(int axis) {
  TESSERA_REQUIRE(axis >= 0 && axis < 3, "Particles::position: axis must be 0, 1 or 2");
  return reinterpret_cast<double*>(words(kPositionColumn, axis));
}
const double* Particles::position(int axis) const {
  TESSERA_REQUIRE(axis >= 0 && axis < 3, "Particles::position: axis must be 0, 1 or 2");
  return reinterpret_cast<const double*>(words(kPositionColumn, axis));
}
std::int64_t* Particles::id() { return reinterpret_cast<std::int64_t*>(words(kIdColumn, 0)); }
const std::int64_t* Particles::id() const { return reinterpret_cast<const std::int64_t*>(words(kIdColumn, 0)); }

double* Particles::real(int column, int component) {
  if (!is_real(column))
    throw Error(strfmt("Particles: column '%s' holds integers, not reals", columns_[column].name.c_str()));
  return reinterpret_cast<double*>(words(column, component));
}
const double* Particles::real(int column, int component) const {
  if (!is_real(column))
    throw Error(strfmt("Particles: column '%s' holds integers, not reals", columns_[column].name.c_str()));
  return reinterpret_cast<const double*>(words(column, component));
}
std::int64_t* Particles::integer(int column, int component) {
  if (is_real(column))
    throw Error(strfmt("Particles: column '%s' holds reals, not integers", columns_[column].name.c_str()));
  return reinterpret_cast<std::int64_t*>(words(column, component));
}
const std::int64_t* Particles::integer(int column, int component) const {
  if (is_real(column))
    throw Error(strfmt("Particles: column '%s' holds reals, not integers", columns_[column].name.c_str()));
  return reinterpret_cast<const std::int64_t*>(words(column, component));
}

namespace {

template <class T>
std::vector<T> copy_to_host(const Device& dev, const void* src, std::int64_t n) {
  std::vector<T> out(static_cast<std::size_t>(n));
  memory::copy(out.data(), Device::host(), src, dev, out.size() * sizeof(T));
  return out;
}

template <class T>
void copy_from_host(const Device& dev, void* dst, const std::vector<T>& v, std::int64_t owned, const char* what) {
  if (static_cast<std::int64_t>(v.size()) != owned)
    throw Error(strfmt("Particles::%s: %zu values for %lld owned particles (resize_owned first)", what, v.size(),
                       static_cast<long long>(owned)));
  memory::copy(dst, dev, v.data(), Device::host(), v.size() * sizeof(T));
}

}  // namespace

std::vector<double> Particles::position_to_host(int axis) const {
  return copy_to_host<double>(dev_, position(axis), total());
}
std::vector<std::int64_t> Particles::id_to_host() const { return copy_to_host<std::int64_t>(dev_, id(), total()); }
std::vector<double> Particles::real_to_host(int column, int component) const {
  return copy_to_host<double>(dev_, real(column, component), total());
}
std::vector<std::int64_t> Particles::integer_to_host(int column, int component) const {
  return copy_to_host<std::int64_t>(dev_, integer(column, component), total());
}

void Particles::position_from_host(int axis, const std::vector<double>& v) {
  copy_from_host(dev_, position(axis), v, owned_, "position_from_host");
}
void Particles::id_from_host(const std::vector<std::int64_t>& v) {
  copy_from_host(dev_, id(), v, owned_, "id_from_host");
}
void Particles::real_from_host(int column, int component, const std::vector<double>& v) {
  copy_from_host(dev_, real(column, component), v, owned_, "real_from_host");
}
void Particles::integer_from_host(int column, int component, const std::vector<std::int64_t>& v) {
  copy_from_host(dev_, integer(column, component), v, owned_, "integer_from_host");
}

}  // namespace tessera
