#pragma once
// A small RAII layer over the HDF5 C API: files, groups, attributes and
// datasets. Solvers never call HDF5 directly; they go through the snapshot and
// checkpoint writers built on this.
//
// Parallel files use the MPI-IO driver over MPI_COMM_WORLD and transfer data
// collectively: every rank calls every create/write/read, a rank with nothing
// to contribute passing an empty selection (count 0). Serial files (one
// process reading what many wrote) use the default driver.
// Every failing call throws tessera::Error with the call, file:line and the
// HDF5 error stack's innermost message.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::h5 {

using Id = std::int64_t;  // hid_t

// Owns one HDF5 identifier and closes it with the matching H5*close.
class Handle {
 public:
  enum class Kind { File, Group, Dataset, Dataspace, Datatype, Attribute, PropertyList };
  Handle() = default;
  Handle(Id id, Kind kind) : id_(id), kind_(kind) {}
  ~Handle();
  Handle(Handle&& o) noexcept : id_(o.id_), kind_(o.kind_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Id id() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  Id id_ = -1;
  Kind kind_ = Kind::File;
};

enum class Type { Float64, Float32, Int64, Int32, UInt8 };
template <class T>
constexpr Type type_of();

class Dataset;

// A file or a group: where attributes, groups and datasets live.
class Location {
 public:
  Location create_group(const std::string& name) const;
  Location open_group(const std::string& name) const;
  bool exists(const std::string& name) const;  // a link of this name, any kind

  // Attributes: scalars, small arrays, fixed-length ASCII strings.
  void set_attribute(const std::string& name, double v) const;
  void set_attribute(const std::string& name, std::int64_t v) const;
  void set_attribute(const std::string& name, const std::vector<double>& v) const;
  void set_attribute(const std::string& name, const std::vector<std::int64_t>& v) const;
  void set_attribute(const std::string& name, std::string_view text) const;
  void set_attribute(const std::string& name, const char* text) const { set_attribute(name, std::string_view(text)); }
  // The same, sized to the text with no terminating NUL (NULLPAD), as
  // h5py writes bytes: readers that compare the stored bytes whole (VTK's
  // vtkHDFReader with /VTKHDF's Type) need this form.
  void set_exact_attribute(const std::string& name, std::string_view text) const;
  bool has_attribute(const std::string& name) const;
  double attribute_double(const std::string& name) const;
  std::int64_t attribute_int(const std::string& name) const;
  std::vector<double> attribute_doubles(const std::string& name) const;
  std::vector<std::int64_t> attribute_ints(const std::string& name) const;
  std::string attribute_string(const std::string& name) const;
  // A rank-1 array of fixed-length strings, all padded to the longest (H5MD's
  // box/boundary is one).
  void set_attribute(const std::string& name, const std::vector<std::string>& texts) const;
  std::vector<std::string> attribute_strings(const std::string& name) const;

  // A second name for an existing object (`target`: a path from here or
  // absolute), so two elements share one dataset as H5MD asks for step/time.
  void link(const std::string& target, const std::string& name) const;

  // Collective in a parallel file. dims are global, slowest first (C order).
  Dataset create_dataset(const std::string& name, Type type, const std::vector<std::uint64_t>& dims) const;
  // A chunked dataset whose first dimension can grow without bound (a time
  // series); `dims` is the initial shape, every other dimension fixed and > 0.
  // `chunk` empty: about 1 MiB chunks, whole trailing rows where they fit.
  Dataset create_extendible_dataset(const std::string& name, Type type, const std::vector<std::uint64_t>& dims,
                                    const std::vector<std::uint64_t>& chunk = {}) const;
  Dataset open_dataset(const std::string& name) const;

  Id id() const { return h_.id(); }

 protected:
  Location(Handle h, bool parallel) : h_(std::move(h)), parallel_(parallel) {}
  Handle h_;
  bool parallel_ = false;
  friend class File;
};

class Dataset {
 public:
  std::vector<std::uint64_t> dims() const;
  Type type() const;
  // Writes/reads the block at `offset` of size `count` (C order) from/to a
  // dense host array. Collective in a parallel file; count may be all zeros.
  void write(const void* data, Type memory_type, const std::vector<std::uint64_t>& offset,
             const std::vector<std::uint64_t>& count) const;
  void read(void* data, Type memory_type, const std::vector<std::uint64_t>& offset,
            const std::vector<std::uint64_t>& count) const;
  template <class T>
  void write(const T* data, const std::vector<std::uint64_t>& offset, const std::vector<std::uint64_t>& count) const {
    write(data, type_of<T>(), offset, count);
  }
  template <class T>
  void read(T* data, const std::vector<std::uint64_t>& offset, const std::vector<std::uint64_t>& count) const {
    read(data, type_of<T>(), offset, count);
  }
  // Writes whole rows picked by index: with k = leading.size(), the elements
  // (leading[0], ..., leading[k-1], rows[i], *) for each i, row i taken from
  // data[i * row_size] (row_size: product of dimensions after k). `rows`
  // must be strictly increasing (this is what keeps parallel writes cheap and
  // catches duplicates). Collective in a parallel file; rows may be empty.
  void write_rows(const void* data, Type memory_type, const std::vector<std::uint64_t>& leading,
                  const std::vector<std::uint64_t>& rows) const;
  template <class T>
  void write_rows(const T* data, const std::vector<std::uint64_t>& leading,
                  const std::vector<std::uint64_t>& rows) const {
    write_rows(data, type_of<T>(), leading, rows);
  }
  // Grows (or shrinks) an extendible dataset to `dims`. Collective in a
  // parallel file, every rank passing the same dims.
  void extend(const std::vector<std::uint64_t>& dims) const;
  // The largest shape the dataset may take; kUnlimited where it may grow.
  static constexpr std::uint64_t kUnlimited = ~std::uint64_t{0};
  std::vector<std::uint64_t> max_dims() const;
  std::vector<std::uint64_t> chunk_dims() const;  // empty for a contiguous dataset

  // Whole dataset into a vector (serial convenience).
  template <class T>
  std::vector<T> read_all() const;

  void set_attribute(const std::string& name, std::string_view text) const;

 private:
  friend class Location;
  Dataset(Handle h, bool parallel) : h_(std::move(h)), parallel_(parallel) {}
  Handle h_;
  bool parallel_ = false;
};

class File : public Location {
 public:
  enum class Mode { Create, ReadOnly, ReadWrite };
  // parallel = true: MPI-IO over MPI_COMM_WORLD (every rank must call).
  // Create truncates an existing file.
  File(const std::string& path, Mode mode, bool parallel);
  File(File&&) noexcept = default;
  File& operator=(File&&) noexcept = default;
  ~File();
  // Flushes and closes now (the destructor does the same, swallowing errors).
  void close();
  const std::string& path() const { return path_; }
  bool parallel() const { return parallel_; }

 private:
  std::string path_;
};

// "1.10.8"; silences HDF5's own error printing (errors become exceptions).
std::string library_version();
// True when the file exists and HDF5 recognises it as an HDF5 file.
bool is_hdf5(const std::string& path);

template <> constexpr Type type_of<double>() { return Type::Float64; }
template <> constexpr Type type_of<float>() { return Type::Float32; }
template <> constexpr Type type_of<std::int64_t>() { return Type::Int64; }
template <> constexpr Type type_of<std::int32_t>() { return Type::Int32; }
template <> constexpr Type type_of<std::uint8_t>() { return Type::UInt8; }

template <class T>
std::vector<T> Dataset::read_all() const {
  auto d = dims();
  std::uint64_t n = 1;
  for (auto x : d) n *= x;
  std::vector<T> out(n);
  read(out.data(), std::vector<std::uint64_t>(d.size(), 0), d);
  return out;
}

}  // namespace tessera::h5
