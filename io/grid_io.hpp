#pragma once
// Grid fields to and from HDF5, decomposed: each rank writes (or reads) the
// hyperslab of its owned cells in a global (nz, ny, nx) dataset, collectively.
// Fields live on the device with ghost layers (HaloExchange's storage box);
// only owned cells travel. Reading takes each rank's part of the global
// array, so a file written at one rank count is read at any other.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "decomposition/cartesian_layout.hpp"
#include "io/hdf5_file.hpp"
#include "io/snapshot_meta.hpp"
#include "io/xdmf.hpp"
#include "runtime/buffer.hpp"
#include "runtime/device.hpp"

namespace tessera::io {

template <class T>
struct GridField {
  std::string name;  // dataset name under /fields
  const T* data;     // one component on the device, laid out over the storage box
};

template <class T>
class GridIO {
 public:
  // storage: the local index box of one component (owned cells from 0, ghosts below).
  GridIO(const CartesianLayout& layout, const Range3& storage, const Device& dev);

  // Collective: creates `dataset` (global shape nz, ny, nx) in `loc` and writes
  // this rank's cells of `component`.
  void write(const h5::Location& loc, const std::string& dataset, const T* component);
  // Collective: reads this rank's cells of `dataset` into `component` (ghosts untouched).
  void read(const h5::Location& loc, const std::string& dataset, T* component);

  // A grid snapshot in the formats meta.formats asks for: DESIGN.md's layout
  // at `path` (root meta, /grid attributes, /fields/<name>) and/or a VTKHDF
  // ImageData at vtkhdf_path(path). Collective. Returns its description
  // (h5_path is `relative_path`, vtkhdf_path its .hdf; each empty when not written).
  XdmfGridDesc write_snapshot(const std::filesystem::path& path, const std::string& relative_path,
                              const SnapshotMeta& meta, const std::vector<GridField<T>>& fields);

 private:
  const CartesianLayout& layout_;
  Range3 storage_;
  Device dev_;
  Buffer<T> packed_;     // owned cells, on the device
  std::vector<T> host_;  // the same on the host
};

extern template class GridIO<double>;
extern template class GridIO<float>;

// Reads a whole field of a grid snapshot on one process (tests, tools).
std::vector<double> read_global_field(const std::filesystem::path& path, const std::string& name);

}  // namespace tessera::io
