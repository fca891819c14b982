// Compiled by nvcc in CUDA builds and as C++ in host-only builds.
#include "io/grid_io.hpp"

#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/for_each.hpp"
#include "io/vtkhdf.hpp"

namespace tessera::io {

namespace {

// An x, y, z triple as HDF5 dimensions, slowest (z) first.
std::vector<std::uint64_t> zyx(const int* v) {
  return {static_cast<std::uint64_t>(v[2]), static_cast<std::uint64_t>(v[1]), static_cast<std::uint64_t>(v[0])};
}

std::vector<std::uint64_t> global_dims(const CartesianLayout& l) { return zyx(l.spec().cells.data()); }
std::vector<std::uint64_t> owned_offset(const CartesianLayout& l) { return zyx(l.owned().lo); }
std::vector<std::uint64_t> owned_count(const CartesianLayout& l) { return zyx(l.local_cells().data()); }

// Gathers the owned cells of a ghosted component into a dense array (x fastest) and back.
template <class T>
void pack_owned(const Device& dev, const T* field, const Range3& storage, const std::array<int, 3>& n, T* out) {
  const Span3<const T> f(field, storage);
  const int nx = n[0], ny = n[1];
  for_each(dev, Range3(n[0], n[1], n[2]), [=] TESSERA_HD(int i, int j, int k) {
    out[i + static_cast<std::int64_t>(nx) * (j + static_cast<std::int64_t>(ny) * k)] = f(i, j, k);
  });
}

template <class T>
void unpack_owned(const Device& dev, const T* in, const Range3& storage, const std::array<int, 3>& n, T* field) {
  const Span3<T> f(field, storage);
  const int nx = n[0], ny = n[1];
  for_each(dev, Range3(n[0], n[1], n[2]), [=] TESSERA_HD(int i, int j, int k) {
    f(i, j, k) = in[i + static_cast<std::int64_t>(nx) * (j + static_cast<std::int64_t>(ny) * k)];
  });
}

}  // namespace

template <class T>
GridIO<T>::GridIO(const CartesianLayout& layout, const Range3& storage, const Device& dev)
    : layout_(layout), storage_(storage), dev_(dev) {
  const auto n = layout.local_cells();
  const std::size_t cells = static_cast<std::size_t>(n[0]) * n[1] * n[2];
  packed_ = Buffer<T>(dev, cells);
  host_.resize(cells);
}

template <class T>
void GridIO<T>::write(const h5::Location& loc, const std::string& dataset, const T* component) {
  pack_owned(dev_, component, storage_, layout_.local_cells(), packed_.data());
  memory::copy(host_.data(), Device::host(), packed_.data(), dev_, host_.size() * sizeof(T));
  h5::Dataset ds = loc.create_dataset(dataset, h5::type_of<T>(), global_dims(layout_));
  ds.write(host_.data(), owned_offset(layout_), owned_count(layout_));
}

template <class T>
void GridIO<T>::read(const h5::Location& loc, const std::string& dataset, T* component) {
  h5::Dataset ds = loc.open_dataset(dataset);
  if (ds.dims() != global_dims(layout_)) {
    const auto d = ds.dims();
    throw Error("HDF5 dataset '" + dataset + "' has the wrong shape for this grid (" +
                (d.size() == 3 ? std::to_string(d[2]) + " x " + std::to_string(d[1]) + " x " + std::to_string(d[0])
                               : std::string("not 3-D")) +
                " cells)");
  }
  ds.read(host_.data(), owned_offset(layout_), owned_count(layout_));
  memory::copy(packed_.data(), dev_, host_.data(), Device::host(), host_.size() * sizeof(T));
  unpack_owned(dev_, static_cast<const T*>(packed_.data()), storage_, layout_.local_cells(), component);
  dev_.synchronize();
}

template <class T>
XdmfGridDesc GridIO<T>::write_snapshot(const std::filesystem::path& path, const std::string& relative_path,
                                       const SnapshotMeta& meta, const std::vector<GridField<T>>& fields) {
  const auto& s = layout_.spec();
  XdmfGridDesc desc;
  desc.time = meta.time;
  desc.cells = {s.cells[0], s.cells[1], s.cells[2]};
  desc.lower = s.lower;
  desc.upper = s.upper;
  desc.single_precision = sizeof(T) == 4;
  for (const auto& f : fields) desc.fields.push_back(f.name);
  if (meta.formats.hdf5) {
    h5::File file(path.string(), h5::File::Mode::Create, true);
    write_meta(file, meta);
    h5::Location grid = file.create_group("grid");
    grid.set_attribute("cells", std::vector<std::int64_t>{s.cells[0], s.cells[1], s.cells[2]});
    grid.set_attribute("lower", std::vector<double>{s.lower[0], s.lower[1], s.lower[2]});
    grid.set_attribute("upper", std::vector<double>{s.upper[0], s.upper[1], s.upper[2]});
    grid.set_attribute("periodic", std::vector<std::int64_t>{s.periodic[0], s.periodic[1], s.periodic[2]});
    h5::Location group = file.create_group("fields");
    for (const auto& f : fields) write(group, f.name, f.data);
    file.close();
    desc.h5_path = relative_path;
  }
  if (meta.formats.vtkhdf) {
    VtkImageWriter image(vtkhdf_path(path.string()), meta, s.cells, s.lower, s.upper);
    const Range3 own = layout_.owned();
    for (const auto& f : fields) {
      pack_owned(dev_, f.data, storage_, layout_.local_cells(), packed_.data());
      memory::copy(host_.data(), Device::host(), packed_.data(), dev_, host_.size() * sizeof(T));
      image.write_field(f.name, h5::type_of<T>(), host_.data(), {own.lo[0], own.lo[1], own.lo[2]},
                        layout_.local_cells());
    }
    image.close();
    desc.vtkhdf_path = vtkhdf_path(relative_path);
  }
  return desc;
}

std::vector<double> read_global_field(const std::filesystem::path& path, const std::string& name) {
  h5::File file(path.string(), h5::File::Mode::ReadOnly, false);
  return file.open_group("fields").open_dataset(name).read_all<double>();
}

template class GridIO<double>;
template class GridIO<float>;

}  // namespace tessera::io
