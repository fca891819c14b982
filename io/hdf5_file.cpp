#include "io/hdf5_file.hpp"

#include <hdf5.h>
#include <mpi.h>

#include <algorithm>
#include <mutex>
#include <sys/stat.h>

#include "io/hdf5_check.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"

#define H5CALL(x) TESSERA_HDF5_CHECK(x)

namespace tessera::h5 {

void silence_errors() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

std::string error_stack() {
  struct Walk {
    std::string innermost, api;
  } w;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* e, void* data) -> herr_t {
        auto* w = static_cast<Walk*>(data);
        if (n == 0 && e->desc) w->innermost = e->desc;
        if (e->func_name) w->api = e->func_name;
        return 0;
      },
      &w);
  H5Eclear2(H5E_DEFAULT);
  if (w.innermost.empty()) return "unknown error";
  return w.api.empty() ? w.innermost : w.api + ": " + w.innermost;
}

Handle::~Handle() {
  if (id_ < 0) return;
  switch (kind_) {
    case Kind::File: H5Fclose(id_); break;
    case Kind::Group: H5Gclose(id_); break;
    case Kind::Dataset: H5Dclose(id_); break;
    case Kind::Dataspace: H5Sclose(id_); break;
    case Kind::Datatype: H5Tclose(id_); break;
    case Kind::Attribute: H5Aclose(id_); break;
    case Kind::PropertyList: H5Pclose(id_); break;
  }
}

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    Handle tmp(id_, kind_);  // closes the old id
    id_ = o.id_;
    kind_ = o.kind_;
    o.id_ = -1;
  }
  return *this;
}

namespace {

using K = Handle::Kind;

hid_t memory_type(Type t) {
  switch (t) {
    case Type::Float64: return H5T_NATIVE_DOUBLE;
    case Type::Float32: return H5T_NATIVE_FLOAT;
    case Type::Int64: return H5T_NATIVE_INT64;
    case Type::Int32: return H5T_NATIVE_INT32;
    case Type::UInt8: return H5T_NATIVE_UINT8;
  }
  return H5T_NATIVE_DOUBLE;
}

// Little-endian IEEE / two's complement on disk, whatever the host.
hid_t file_type(Type t) {
  switch (t) {
    case Type::Float64: return H5T_IEEE_F64LE;
    case Type::Float32: return H5T_IEEE_F32LE;
    case Type::Int64: return H5T_STD_I64LE;
    case Type::Int32: return H5T_STD_I32LE;
    case Type::UInt8: return H5T_STD_U8LE;
  }
  return H5T_IEEE_F64LE;
}

Handle simple_space(const std::vector<std::uint64_t>& dims) {
  std::vector<hsize_t> d(dims.begin(), dims.end());
  return Handle(H5CALL(H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr)), K::Dataspace);
}

Handle transfer_list(bool parallel) {
  Handle p(H5CALL(H5Pcreate(H5P_DATASET_XFER)), K::PropertyList);
  if (parallel) H5CALL(H5Pset_dxpl_mpio(p.id(), H5FD_MPIO_COLLECTIVE));
  return p;
}

void delete_attribute_if_present(hid_t loc, const std::string& name) {
  if (H5CALL(H5Aexists(loc, name.c_str())) > 0) H5CALL(H5Adelete(loc, name.c_str()));
}

void write_attribute(hid_t loc, const std::string& name, hid_t ftype, hid_t mtype, const Handle& space,
                     const void* data) {
  delete_attribute_if_present(loc, name);
  Handle a(H5CALL(H5Acreate2(loc, name.c_str(), ftype, space.id(), H5P_DEFAULT, H5P_DEFAULT)), K::Attribute);
  H5CALL(H5Awrite(a.id(), mtype, data));
}

Handle open_attribute(hid_t loc, const std::string& name) {
  if (H5CALL(H5Aexists(loc, name.c_str())) <= 0) throw Error("HDF5: attribute '" + name + "' is missing");
  return Handle(H5CALL(H5Aopen(loc, name.c_str(), H5P_DEFAULT)), K::Attribute);
}

std::uint64_t attribute_length(const Handle& a) {
  Handle space(H5CALL(H5Aget_space(a.id())), K::Dataspace);
  return static_cast<std::uint64_t>(H5CALL(H5Sget_simple_extent_npoints(space.id())));
}

// Fixed-length, NUL-terminated ASCII strings of `width` bytes (the NUL
// included): what every HDF5 reader handles. `padded`: NUL-padded instead,
// `width` being the text's own length (set_exact_attribute).
Handle fixed_string_type(std::size_t width, bool padded = false) {
  Handle type(H5CALL(H5Tcopy(H5T_C_S1)), K::Datatype);
  H5CALL(H5Tset_size(type.id(), width));
  H5CALL(H5Tset_strpad(type.id(), padded ? H5T_STR_NULLPAD : H5T_STR_NULLTERM));
  H5CALL(H5Tset_cset(type.id(), H5T_CSET_ASCII));
  return type;
}

// The type of a string attribute as stored; refuses non-strings and
// variable-length strings.
Handle fixed_string_type_of(const Handle& a, const std::string& name) {
  Handle type(H5CALL(H5Aget_type(a.id())), K::Datatype);
  if (H5CALL(H5Tget_class(type.id())) != H5T_STRING) throw Error("HDF5: attribute '" + name + "' is not a string");
  if (H5CALL(H5Tis_variable_str(type.id())) > 0)
    throw Error("HDF5: attribute '" + name + "' is a variable-length string");
  return type;
}

void string_attribute(hid_t loc, const std::string& name, std::string_view text, bool exact = false) {
  Handle type = exact ? fixed_string_type(std::max<std::size_t>(text.size(), 1), true) : fixed_string_type(text.size() + 1);
  Handle space(H5CALL(H5Screate(H5S_SCALAR)), K::Dataspace);
  std::string buf(text);
  write_attribute(loc, name, type.id(), type.id(), space, buf.c_str());
}

void select(hid_t space, const std::vector<std::uint64_t>& offset, const std::vector<std::uint64_t>& count) {
  bool empty = false;
  for (auto c : count) empty = empty || c == 0;
  if (empty) {
    H5CALL(H5Sselect_none(space));
    return;
  }
  std::vector<hsize_t> o(offset.begin(), offset.end()), c(count.begin(), count.end());
  H5CALL(H5Sselect_hyperslab(space, H5S_SELECT_SET, o.data(), nullptr, c.data(), nullptr));
}

}  // namespace

Location Location::create_group(const std::string& name) const {
  return Location(Handle(H5CALL(H5Gcreate2(h_.id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)), K::Group),
                  parallel_);
}

Location Location::open_group(const std::string& name) const {
  if (!exists(name)) throw Error("HDF5: group '" + name + "' is missing");
  return Location(Handle(H5CALL(H5Gopen2(h_.id(), name.c_str(), H5P_DEFAULT)), K::Group), parallel_);
}

bool Location::exists(const std::string& name) const { return H5CALL(H5Lexists(h_.id(), name.c_str(), H5P_DEFAULT)) > 0; }

void Location::set_attribute(const std::string& name, double v) const {
  Handle space(H5CALL(H5Screate(H5S_SCALAR)), K::Dataspace);
  write_attribute(h_.id(), name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space, &v);
}

void Location::set_attribute(const std::string& name, std::int64_t v) const {
  Handle space(H5CALL(H5Screate(H5S_SCALAR)), K::Dataspace);
  write_attribute(h_.id(), name, H5T_STD_I64LE, H5T_NATIVE_INT64, space, &v);
}

void Location::set_attribute(const std::string& name, const std::vector<double>& v) const {
  write_attribute(h_.id(), name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, simple_space({v.size()}), v.data());
}

void Location::set_attribute(const std::string& name, const std::vector<std::int64_t>& v) const {
  write_attribute(h_.id(), name, H5T_STD_I64LE, H5T_NATIVE_INT64, simple_space({v.size()}), v.data());
}

void Location::set_attribute(const std::string& name, std::string_view text) const {
  string_attribute(h_.id(), name, text);
}

void Location::set_exact_attribute(const std::string& name, std::string_view text) const {
  string_attribute(h_.id(), name, text, true);
}

bool Location::has_attribute(const std::string& name) const { return H5CALL(H5Aexists(h_.id(), name.c_str())) > 0; }

double Location::attribute_double(const std::string& name) const {
  auto v = attribute_doubles(name);
  if (v.size() != 1) throw Error("HDF5: attribute '" + name + "' is not a scalar");
  return v[0];
}

std::int64_t Location::attribute_int(const std::string& name) const {
  auto v = attribute_ints(name);
  if (v.size() != 1) throw Error("HDF5: attribute '" + name + "' is not a scalar");
  return v[0];
}

std::vector<double> Location::attribute_doubles(const std::string& name) const {
  Handle a = open_attribute(h_.id(), name);
  std::vector<double> v(attribute_length(a));
  H5CALL(H5Aread(a.id(), H5T_NATIVE_DOUBLE, v.data()));
  return v;
}

std::vector<std::int64_t> Location::attribute_ints(const std::string& name) const {
  Handle a = open_attribute(h_.id(), name);
  std::vector<std::int64_t> v(attribute_length(a));
  H5CALL(H5Aread(a.id(), H5T_NATIVE_INT64, v.data()));
  return v;
}

std::string Location::attribute_string(const std::string& name) const {
  Handle a = open_attribute(h_.id(), name);
  Handle type = fixed_string_type_of(a, name);
  const std::size_t size = H5Tget_size(type.id());
  std::string buf(size + 1, '\0');
  H5CALL(H5Aread(a.id(), type.id(), buf.data()));
  buf.resize(std::char_traits<char>::length(buf.c_str()));
  return buf;
}

void Location::set_attribute(const std::string& name, const std::vector<std::string>& texts) const {
  std::size_t width = 1;
  for (const auto& t : texts) width = std::max(width, t.size() + 1);
  // One contiguous block of equal-width, NUL-padded entries: HDF5's layout
  // for a fixed-length string array.
  std::string buf(width * texts.size(), '\0');
  for (std::size_t i = 0; i < texts.size(); ++i) buf.replace(i * width, texts[i].size(), texts[i]);
  Handle type = fixed_string_type(width);
  write_attribute(h_.id(), name, type.id(), type.id(), simple_space({texts.size()}), buf.data());
}

std::vector<std::string> Location::attribute_strings(const std::string& name) const {
  Handle a = open_attribute(h_.id(), name);
  Handle type = fixed_string_type_of(a, name);
  const std::size_t width = H5Tget_size(type.id()), n = attribute_length(a);
  std::string buf(width * n, '\0');
  H5CALL(H5Aread(a.id(), type.id(), buf.data()));
  std::vector<std::string> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const char* s = buf.data() + i * width;
    out[i].assign(s, std::find(s, s + width, '\0'));
  }
  return out;
}

void Location::link(const std::string& target, const std::string& name) const {
  H5CALL(H5Lcreate_hard(h_.id(), target.c_str(), h_.id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT));
}

Dataset Location::create_dataset(const std::string& name, Type type, const std::vector<std::uint64_t>& dims) const {
  Handle space = simple_space(dims);
  return Dataset(Handle(H5CALL(H5Dcreate2(h_.id(), name.c_str(), file_type(type), space.id(), H5P_DEFAULT,
                                          H5P_DEFAULT, H5P_DEFAULT)),
                        K::Dataset),
                 parallel_);
}

namespace {

// About `target` bytes per chunk: trailing dimensions halved (slowest first)
// until one row fits, then as many leading rows as fill the rest. A chunk of
// one frame keeps appending a frame to one write per chunk.
std::vector<std::uint64_t> default_chunk(const std::vector<std::uint64_t>& dims, std::size_t element_bytes) {
  constexpr std::uint64_t target = 1u << 20;
  std::vector<std::uint64_t> c(dims);
  c[0] = 1;
  auto bytes = [&] {
    std::uint64_t b = element_bytes;
    for (auto x : c) b *= x;
    return b;
  };
  for (std::size_t d = 1; d < c.size() && bytes() > target; ++d)
    while (c[d] > 1 && bytes() > target) c[d] = (c[d] + 1) / 2;
  c[0] = std::max<std::uint64_t>(1, target / bytes());
  return c;
}

}  // namespace

Dataset Location::create_extendible_dataset(const std::string& name, Type type, const std::vector<std::uint64_t>& dims,
                                            const std::vector<std::uint64_t>& chunk) const {
  if (dims.empty()) throw Error("HDF5: extendible dataset '" + name + "' needs at least one dimension");
  for (std::size_t d = 1; d < dims.size(); ++d)
    if (dims[d] == 0) throw Error("HDF5: extendible dataset '" + name + "' has a fixed dimension of size 0");
  std::vector<std::uint64_t> c = chunk.empty() ? default_chunk(dims, H5Tget_size(file_type(type))) : chunk;
  if (c.size() != dims.size()) throw Error("HDF5: chunk shape of '" + name + "' does not match its rank");
  std::vector<hsize_t> d(dims.begin(), dims.end()), maxd(dims.begin(), dims.end()), cd(c.begin(), c.end());
  maxd[0] = H5S_UNLIMITED;
  Handle space(H5CALL(H5Screate_simple(static_cast<int>(d.size()), d.data(), maxd.data())), K::Dataspace);
  Handle dcpl(H5CALL(H5Pcreate(H5P_DATASET_CREATE)), K::PropertyList);
  H5CALL(H5Pset_chunk(dcpl.id(), static_cast<int>(cd.size()), cd.data()));
  return Dataset(Handle(H5CALL(H5Dcreate2(h_.id(), name.c_str(), file_type(type), space.id(), H5P_DEFAULT, dcpl.id(),
                                          H5P_DEFAULT)),
                        K::Dataset),
                 parallel_);
}

Dataset Location::open_dataset(const std::string& name) const {
  if (!exists(name)) throw Error("HDF5: dataset '" + name + "' is missing");
  return Dataset(Handle(H5CALL(H5Dopen2(h_.id(), name.c_str(), H5P_DEFAULT)), K::Dataset), parallel_);
}

std::vector<std::uint64_t> Dataset::dims() const {
  Handle space(H5CALL(H5Dget_space(h_.id())), K::Dataspace);
  const int rank = H5CALL(H5Sget_simple_extent_ndims(space.id()));
  std::vector<hsize_t> d(static_cast<std::size_t>(rank));
  H5CALL(H5Sget_simple_extent_dims(space.id(), d.data(), nullptr));
  return {d.begin(), d.end()};
}

Type Dataset::type() const {
  Handle t(H5CALL(H5Dget_type(h_.id())), K::Datatype);
  const H5T_class_t cls = H5Tget_class(t.id());
  const std::size_t size = H5Tget_size(t.id());
  if (cls == H5T_FLOAT) return size == 4 ? Type::Float32 : Type::Float64;
  if (cls == H5T_INTEGER) return size == 8 ? Type::Int64 : size == 4 ? Type::Int32 : Type::UInt8;
  throw Error("HDF5: dataset of an unsupported type class");
}

namespace {
// One collective (or serial) transfer of the block at `offset` x `count`
// between a dense host array and the dataset.
void transfer(hid_t dataset, bool parallel, bool write, void* data, Type memory,
              const std::vector<std::uint64_t>& offset, const std::vector<std::uint64_t>& count) {
  Handle file_space(H5CALL(H5Dget_space(dataset)), K::Dataspace);
  select(file_space.id(), offset, count);
  Handle mem_space = simple_space(count);
  select(mem_space.id(), std::vector<std::uint64_t>(count.size(), 0), count);
  Handle xfer = transfer_list(parallel);
  if (write) H5CALL(H5Dwrite(dataset, memory_type(memory), mem_space.id(), file_space.id(), xfer.id(), data));
  else H5CALL(H5Dread(dataset, memory_type(memory), mem_space.id(), file_space.id(), xfer.id(), data));
}
}  // namespace

void Dataset::write(const void* data, Type memory, const std::vector<std::uint64_t>& offset,
                    const std::vector<std::uint64_t>& count) const {
  // HDF5 takes a non-const buffer for both directions; a write only reads it.
  transfer(h_.id(), parallel_, true, const_cast<void*>(data), memory, offset, count);
}

void Dataset::read(void* data, Type memory, const std::vector<std::uint64_t>& offset,
                   const std::vector<std::uint64_t>& count) const {
  transfer(h_.id(), parallel_, false, data, memory, offset, count);
}

void Dataset::write_rows(const void* data, Type memory, const std::vector<std::uint64_t>& leading,
                         const std::vector<std::uint64_t>& rows) const {
  const std::vector<std::uint64_t> d = dims();
  const std::size_t k = leading.size(), rank = d.size();
  if (k >= rank) throw Error("HDF5: write_rows needs fewer leading indices than the dataset's rank");
  for (std::size_t a = 0; a < k; ++a)
    if (leading[a] >= d[a]) throw Error("HDF5: write_rows leading index beyond the dataset's extent");
  std::uint64_t row_size = 1;
  for (std::size_t a = k + 1; a < rank; ++a) row_size *= d[a];
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] >= d[k]) throw Error("HDF5: write_rows row index beyond the dataset's extent");
    if (i > 0 && rows[i] <= rows[i - 1]) throw Error("HDF5: write_rows row indices are not strictly increasing");
  }
  Handle file_space(H5CALL(H5Dget_space(h_.id())), K::Dataspace);
  const std::uint64_t n = rows.size() * row_size;
  if (n == 0) {
    H5CALL(H5Sselect_none(file_space.id()));
  } else {
    // A point selection, built in file order: OR-ing one hyperslab per row is
    // quadratic in HDF5 1.10 (minutes for 10^5 scattered rows), points are linear.
    std::vector<hsize_t> coords(n * rank);
    std::vector<hsize_t> idx(rank, 0);
    std::size_t p = 0;
    for (std::uint64_t r : rows) {
      for (std::size_t a = 0; a < k; ++a) idx[a] = leading[a];
      idx[k] = r;
      for (std::size_t a = k + 1; a < rank; ++a) idx[a] = 0;
      for (std::uint64_t e = 0; e < row_size; ++e) {
        std::copy(idx.begin(), idx.end(), coords.begin() + static_cast<std::ptrdiff_t>(p * rank));
        ++p;
        for (std::size_t a = rank; a-- > k + 1;) {  // odometer over the trailing dimensions
          if (++idx[a] < d[a]) break;
          idx[a] = 0;
        }
      }
    }
    H5CALL(H5Sselect_elements(file_space.id(), H5S_SELECT_SET, n, coords.data()));
  }
  Handle mem_space = simple_space({n});
  if (n == 0) H5CALL(H5Sselect_none(mem_space.id()));
  Handle xfer = transfer_list(parallel_);
  H5CALL(H5Dwrite(h_.id(), memory_type(memory), mem_space.id(), file_space.id(), xfer.id(), data));
}

void Dataset::extend(const std::vector<std::uint64_t>& new_dims) const {
  std::vector<hsize_t> d(new_dims.begin(), new_dims.end());
  if (d.size() != dims().size()) throw Error("HDF5: extend to a shape of another rank");
  H5CALL(H5Dset_extent(h_.id(), d.data()));
}

std::vector<std::uint64_t> Dataset::max_dims() const {
  Handle space(H5CALL(H5Dget_space(h_.id())), K::Dataspace);
  const int rank = H5CALL(H5Sget_simple_extent_ndims(space.id()));
  std::vector<hsize_t> d(static_cast<std::size_t>(rank)), m(static_cast<std::size_t>(rank));
  H5CALL(H5Sget_simple_extent_dims(space.id(), d.data(), m.data()));
  std::vector<std::uint64_t> out(m.size());
  for (std::size_t i = 0; i < m.size(); ++i) out[i] = m[i] == H5S_UNLIMITED ? kUnlimited : m[i];
  return out;
}

std::vector<std::uint64_t> Dataset::chunk_dims() const {
  Handle dcpl(H5CALL(H5Dget_create_plist(h_.id())), K::PropertyList);
  if (H5CALL(H5Pget_layout(dcpl.id())) != H5D_CHUNKED) return {};
  std::vector<hsize_t> c(dims().size());
  H5CALL(H5Pget_chunk(dcpl.id(), static_cast<int>(c.size()), c.data()));
  return {c.begin(), c.end()};
}

void Dataset::set_attribute(const std::string& name, std::string_view text) const {
  string_attribute(h_.id(), name, text);
}

// Without MPI (a single-process tool or test) a parallel file is a serial one.
File::File(const std::string& path, Mode mode, bool parallel)
    : Location(Handle(), parallel && collectives::active()), path_(path) {
  silence_errors();
  parallel = parallel_;
  Handle fapl(H5CALL(H5Pcreate(H5P_FILE_ACCESS)), K::PropertyList);
  if (parallel) {
    H5CALL(H5Pset_fapl_mpio(fapl.id(), MPI_COMM_WORLD, MPI_INFO_NULL));
    // Metadata in collective mode: one rank reads/writes, the rest share it.
    H5CALL(H5Pset_all_coll_metadata_ops(fapl.id(), true));
    H5CALL(H5Pset_coll_metadata_write(fapl.id(), true));
  }
  hid_t id = -1;
  if (mode == Mode::Create) {
    id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id());
  } else {
    id = H5Fopen(path.c_str(), mode == Mode::ReadOnly ? H5F_ACC_RDONLY : H5F_ACC_RDWR, fapl.id());
  }
  if (id < 0) {
    std::string why = error_stack();
    throw Error(strfmt("cannot %s HDF5 file %s: %s", mode == Mode::Create ? "create" : "open", path.c_str(),
                       why.c_str()),
                mode == Mode::Create ? "H5Fcreate" : "H5Fopen");
  }
  h_ = Handle(id, K::File);
}

File::~File() = default;

void File::close() {
  if (!h_.valid()) return;
  H5CALL(H5Fflush(h_.id(), H5F_SCOPE_GLOBAL));
  h_ = Handle();  // closes
}

std::string library_version() {
  silence_errors();
  unsigned maj = 0, min = 0, rel = 0;
  H5CALL(H5get_libversion(&maj, &min, &rel));
  return strfmt("%u.%u.%u", maj, min, rel);
}

bool is_hdf5(const std::string& path) {
  silence_errors();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  const htri_t r = H5Fis_hdf5(path.c_str());
  H5Eclear2(H5E_DEFAULT);
  return r > 0;
}

}  // namespace tessera::h5
