#include "io/particle_io.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "io/vtkhdf.hpp"

namespace tessera::io {

namespace {

using Dims = std::vector<std::uint64_t>;

struct Slice {
  std::uint64_t offset = 0, count = 0, total = 0;
};

Slice my_slice(std::int64_t local) {
  Slice s;
  s.offset = static_cast<std::uint64_t>(collectives::exclusive_prefix_sum(local));
  s.count = static_cast<std::uint64_t>(local);
  s.total = static_cast<std::uint64_t>(collectives::sum(local));
  return s;
}

// N x c interleaved rows from c per-component host arrays (first n values).
template <class T>
std::vector<T> interleave(const std::vector<std::vector<T>>& comps, std::size_t n) {
  std::vector<T> out(n * comps.size());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t c = 0; c < comps.size(); ++c) out[i * comps.size() + c] = comps[c][i];
  return out;
}

Dims shape(std::uint64_t n, int comps) { return comps == 1 ? Dims{n} : Dims{n, static_cast<std::uint64_t>(comps)}; }
Dims at_row(std::uint64_t row, int comps) { return comps == 1 ? Dims{row} : Dims{row, 0}; }

template <class T>
void write_rows(const h5::Location& loc, const std::string& name, const Slice& s, int comps, const std::vector<T>& rows) {
  h5::Dataset ds = loc.create_dataset(name, h5::type_of<T>(), shape(s.total, comps));
  ds.write(rows.data(), at_row(s.offset, comps), shape(s.count, comps));
}

// XDMF's Polyvertex connectivity: this rank's rows of 0 .. N-1.
void write_connectivity(const h5::Location& loc, const Slice& s) {
  std::vector<std::int64_t> conn(s.count);
  for (std::uint64_t i = 0; i < s.count; ++i) conn[i] = static_cast<std::int64_t>(s.offset + i);
  write_rows(loc, "connectivity", s, 1, conn);
}

template <class T>
std::vector<std::vector<T>> column_to_host(const Particles& p, int col, std::size_t n) {
  std::vector<std::vector<T>> comps;
  for (int c = 0; c < p.components(col); ++c) {
    std::vector<T> v;
    if constexpr (std::is_same_v<T, double>) v = col == 0 ? p.position_to_host(c) : p.real_to_host(col, c);
    else v = col == 1 ? p.id_to_host() : p.integer_to_host(col, c);
    v.resize(n);
    comps.push_back(std::move(v));
  }
  return comps;
}

// Every component of the owned particles' column `col` as dataset `name`
// (N, or N x components).
template <class T>
void write_column(const h5::Location& loc, const std::string& name, const Slice& s, const Particles& p, int col) {
  const std::size_t n = static_cast<std::size_t>(s.count);
  write_rows(loc, name, s, p.components(col), interleave(column_to_host<T>(p, col, n), n));
}

// The owned particles as a VTKHDF UnstructuredGrid next to the HDF5
// snapshot: the same columns as point data (ids and integer columns as i64,
// "type" as i32), position as the points.
void write_vtkhdf_particles(const std::filesystem::path& h5_path, const SnapshotMeta& meta, const Particles& p,
                            const std::vector<std::string>& columns) {
  const std::size_t n = static_cast<std::size_t>(p.owned());
  const std::vector<double> xyz = interleave(column_to_host<double>(p, 0, n), n);
  std::vector<std::vector<double>> reals;
  std::vector<std::vector<std::int64_t>> ints;
  std::vector<std::vector<std::int32_t>> smalls;
  reals.reserve(p.columns());
  ints.reserve(p.columns());
  smalls.reserve(p.columns());
  std::vector<VtkPointArray> arrays;
  for (int col = 1; col < p.columns(); ++col) {
    const std::string& name = p.column_name(col);
    if (col > 1 && !columns.empty() && std::find(columns.begin(), columns.end(), name) == columns.end()) continue;
    const int comps = p.components(col);
    if (p.is_real(col)) {
      reals.push_back(interleave(column_to_host<double>(p, col, n), n));
      arrays.push_back({name, comps, h5::Type::Float64, reals.back().data()});
    } else if (name == "type" && comps == 1) {
      auto v = column_to_host<std::int64_t>(p, col, n)[0];
      smalls.emplace_back(v.begin(), v.end());
      arrays.push_back({name, 1, h5::Type::Int32, smalls.back().data()});
    } else {
      ints.push_back(interleave(column_to_host<std::int64_t>(p, col, n), n));
      arrays.push_back({name, comps, h5::Type::Int64, ints.back().data()});
    }
  }
  write_vtkhdf_points(vtkhdf_path(h5_path.string()), meta, p.owned(), xyz.data(), arrays);
}

}  // namespace

XdmfParticleDesc write_particle_snapshot(const std::filesystem::path& path, const std::string& relative_path,
                                         const SnapshotMeta& meta, const Particles& p, const ParticleBox& box,
                                         const std::vector<std::string>& columns) {
  const std::size_t n = static_cast<std::size_t>(p.owned());
  const Slice s = my_slice(p.owned());
  XdmfParticleDesc desc;
  desc.time = meta.time;
  desc.count = static_cast<std::int64_t>(s.total);
  if (meta.formats.vtkhdf) {
    write_vtkhdf_particles(path, meta, p, columns);
    desc.vtkhdf_path = vtkhdf_path(relative_path);
  }
  if (!meta.formats.hdf5) return desc;
  h5::File file(path.string(), h5::File::Mode::Create, true);
  write_meta(file, meta);
  h5::Location b = file.create_group("box");
  b.set_attribute("lower", std::vector<double>(box.lower.begin(), box.lower.end()));
  b.set_attribute("upper", std::vector<double>(box.upper.begin(), box.upper.end()));
  b.set_attribute("periodic", std::vector<std::int64_t>{box.periodic[0], box.periodic[1], box.periodic[2]});
  h5::Location g = file.create_group("particles");

  desc.h5_path = relative_path;
  write_connectivity(g, s);
  write_column<double>(g, "position", s, p, 0);
  for (int col = 1; col < p.columns(); ++col) {
    const std::string& name = p.column_name(col);
    const int comps = p.components(col);
    if (col > 1 && !columns.empty() && std::find(columns.begin(), columns.end(), name) == columns.end()) continue;
    if (p.is_real(col)) {
      write_column<double>(g, name, s, p, col);
      if (comps == 1 || comps == 3) desc.arrays.push_back({name, comps, false, 8});
    } else if (name == "type" && comps == 1) {
      auto v = column_to_host<std::int64_t>(p, col, n)[0];
      write_rows(g, name, s, 1, std::vector<std::int32_t>(v.begin(), v.end()));
      desc.arrays.push_back({name, 1, true, 4});
    } else {
      write_column<std::int64_t>(g, name, s, p, col);
      if (comps == 1 || comps == 3) desc.arrays.push_back({name, comps, true, 8});
    }
  }
  file.close();
  return desc;
}

XdmfParticleDesc write_gadget_snapshot(const std::filesystem::path& path, const std::string& relative_path,
                                       const SnapshotMeta& meta, const Particles& p, double box_size) {
  const std::size_t n = static_cast<std::size_t>(p.owned());
  const Slice s = my_slice(p.owned());
  XdmfParticleDesc desc;
  desc.time = meta.time;
  desc.count = static_cast<std::int64_t>(s.total);
  if (meta.formats.vtkhdf) {
    // VTK tools know nothing of GADGET's names: Tessera's columns as they are.
    write_vtkhdf_particles(path, meta, p, {});
    desc.vtkhdf_path = vtkhdf_path(relative_path);
  }
  if (!meta.formats.hdf5) return desc;
  h5::File file(path.string(), h5::File::Mode::Create, true);
  write_meta(file, meta);
  h5::Location header = file.create_group("Header");
  const auto total = static_cast<std::int64_t>(s.total);
  // GADGET counts particles per type (0 gas, 1 dark matter, ...) in 32-bit
  // words with a high word for totals beyond 2^32.
  header.set_attribute("NumPart_ThisFile", std::vector<std::int64_t>{0, total, 0, 0, 0, 0});
  header.set_attribute("NumPart_Total", std::vector<std::int64_t>{0, total & 0xffffffffLL, 0, 0, 0, 0});
  header.set_attribute("NumPart_Total_HighWord", std::vector<std::int64_t>{0, total >> 32, 0, 0, 0, 0});
  header.set_attribute("MassTable", std::vector<double>(6, 0.0));  // masses per particle, in /PartType1/Masses
  header.set_attribute("Time", meta.time);
  header.set_attribute("Redshift", 0.0);
  header.set_attribute("BoxSize", box_size);
  header.set_attribute("NumFilesPerSnapshot", std::int64_t{1});
  h5::Location g = file.create_group("PartType1");
  write_connectivity(g, s);
  write_column<double>(g, "Coordinates", s, p, 0);
  write_rows(g, "Velocities", s, 3, interleave(column_to_host<double>(p, p.column("velocity"), n), n));
  write_rows(g, "ParticleIDs", s, 1, column_to_host<std::int64_t>(p, 1, n)[0]);
  write_rows(g, "Masses", s, 1, column_to_host<double>(p, p.column("mass"), n)[0]);
  file.close();
  desc.h5_path = relative_path;
  desc.group = "PartType1";
  desc.position = "Coordinates";
  desc.arrays = {{"Velocities", 3, false, 8}, {"ParticleIDs", 1, true, 8}, {"Masses", 1, false, 8}};
  return desc;
}

void write_particles(const h5::Location& loc, const Particles& p) {
  const Slice s = my_slice(p.owned());
  loc.set_attribute("count", static_cast<std::int64_t>(s.total));
  for (int col = 0; col < p.columns(); ++col) {
    if (p.is_real(col)) write_column<double>(loc, p.column_name(col), s, p, col);
    else write_column<std::int64_t>(loc, p.column_name(col), s, p, col);
  }
}

void read_particles(const h5::Location& loc, Particles& p) {
  const auto total = static_cast<std::uint64_t>(loc.attribute_int("count"));
  const auto r = static_cast<std::uint64_t>(collectives::rank()), size = static_cast<std::uint64_t>(collectives::size());
  const std::uint64_t begin = total * r / size, end = total * (r + 1) / size, n = end - begin;
  p.resize_owned(static_cast<std::int64_t>(n));
  for (int col = 0; col < p.columns(); ++col) {
    const int comps = p.components(col);
    h5::Dataset ds = loc.open_dataset(p.column_name(col));
    if (ds.dims() != shape(total, comps))
      throw Error("checkpoint particle column '" + p.column_name(col) + "' has the wrong shape");
    auto split = [&](auto& rows, auto store) {
      using T = typename std::decay_t<decltype(rows)>::value_type;
      ds.read(rows.data(), at_row(begin, comps), shape(n, comps));
      for (int c = 0; c < comps; ++c) {
        std::vector<T> v(n);
        for (std::uint64_t i = 0; i < n; ++i) v[i] = rows[i * comps + c];
        store(c, v);
      }
    };
    if (p.is_real(col)) {
      std::vector<double> rows(n * comps);
      split(rows, [&](int c, const std::vector<double>& v) {
        if (col == 0) p.position_from_host(c, v);
        else p.real_from_host(col, c, v);
      });
    } else {
      std::vector<std::int64_t> rows(n * comps);
      split(rows, [&](int c, const std::vector<std::int64_t>& v) {
        if (col == 1) p.id_from_host(v);
        else p.integer_from_host(col, c, v);
      });
    }
  }
}

}  // namespace tessera::io
