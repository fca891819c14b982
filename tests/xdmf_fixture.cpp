// Writes small snapshot series in the layout DESIGN.md fixes (grids in 3-D,
// 2-D and 1-D, particles), their .xmf files, and fixture.json: every value
// written, so that the ParaView check (tests/paraview/check_xdmf.py) and the
// Python reader test (tests/postprocess/test_tessera_io.py) compare what they
// read against what is on disk without repeating the formulas.
//
// Usage: tessera_xdmf_fixture DIR   (DIR is emptied first)
#include <array>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "io/atomic_file.hpp"
#include "io/hdf5_file.hpp"
#include "io/json_writer.hpp"
#include "io/xdmf.hpp"
#include "runtime/format.hpp"

namespace fs = std::filesystem;
using tessera::io::JsonWriter;
using tessera::strfmt;
namespace h5 = tessera::h5;

namespace {

struct Field {
  std::string name;
  std::vector<double> values;  // (nz, ny, nx), x fastest
};

struct GridCase {
  std::string name;
  std::array<std::int64_t, 3> cells;
  std::array<double, 3> lower, upper;
  bool single_precision;
};

void put_doubles(JsonWriter& j, const std::vector<double>& v) {
  j.begin_array();
  for (double x : v) j.value(x);
  j.end_array();
}

template <class T>
void put_ints(JsonWriter& j, const std::vector<T>& v) {
  j.begin_array();
  for (T x : v) j.value(static_cast<std::int64_t>(x));
  j.end_array();
}

void write_root(const h5::File& f, double time, std::int64_t step) {
  f.set_attribute("time", time);
  f.set_attribute("step", step);
}

// Distinct values in every cell and both fields, so a transposed or shifted
// read cannot match by accident; `time` makes the snapshots differ.
std::vector<Field> grid_fields(const GridCase& c, double time) {
  const auto [nx, ny, nz] = c.cells;
  Field density{"density", {}}, pressure{"pressure", {}};
  for (std::int64_t k = 0; k < nz; ++k)
    for (std::int64_t j = 0; j < ny; ++j)
      for (std::int64_t i = 0; i < nx; ++i) {
        density.values.push_back(1.0 + i + 10.0 * j + 100.0 * k + time);
        pressure.values.push_back(1000.0 - i - 10.0 * j - 100.0 * k + 2.0 * time);
      }
  if (c.single_precision) {  // what is on disk, hence what readers see
    for (auto* f : {&density, &pressure})
      for (double& v : f->values) v = static_cast<float>(v);
  }
  return {density, pressure};
}

void write_grid_series(const fs::path& dir, const GridCase& c, const std::vector<double>& times, JsonWriter& j) {
  j.begin_object();
  j.key("xmf").value(c.name + ".xmf");
  j.key("kind").value("grid");
  j.key("cells").begin_array().value(c.cells[0]).value(c.cells[1]).value(c.cells[2]).end_array();
  j.key("lower");
  put_doubles(j, {c.lower.begin(), c.lower.end()});
  j.key("upper");
  put_doubles(j, {c.upper.begin(), c.upper.end()});
  j.key("precision").value(c.single_precision ? 4 : 8);
  j.key("steps").begin_array();

  std::vector<std::string> grids;
  for (std::size_t s = 0; s < times.size(); ++s) {
    const std::string rel = strfmt("snapshots/%s_%05zu.h5", c.name.c_str(), s);
    const auto fields = grid_fields(c, times[s]);
    const auto step = static_cast<std::int64_t>(10 * s);
    {
      h5::File f((dir / rel).string(), h5::File::Mode::Create, false);
      write_root(f, times[s], step);
      auto g = f.create_group("grid");
      g.set_attribute("cells", std::vector<std::int64_t>(c.cells.begin(), c.cells.end()));
      g.set_attribute("lower", std::vector<double>(c.lower.begin(), c.lower.end()));
      g.set_attribute("upper", std::vector<double>(c.upper.begin(), c.upper.end()));
      auto fg = f.create_group("fields");
      const std::vector<std::uint64_t> dims{static_cast<std::uint64_t>(c.cells[2]),
                                            static_cast<std::uint64_t>(c.cells[1]),
                                            static_cast<std::uint64_t>(c.cells[0])};
      for (const auto& fld : fields) {
        if (c.single_precision) {
          std::vector<float> v(fld.values.begin(), fld.values.end());
          fg.create_dataset(fld.name, h5::Type::Float32, dims).write(v.data(), {0, 0, 0}, dims);
        } else {
          fg.create_dataset(fld.name, h5::Type::Float64, dims).write(fld.values.data(), {0, 0, 0}, dims);
        }
      }
      f.close();
    }
    tessera::io::XdmfGridDesc d;
    d.h5_path = rel;
    d.time = times[s];
    d.cells = c.cells;
    d.lower = c.lower;
    d.upper = c.upper;
    for (const auto& fld : fields) d.fields.push_back(fld.name);
    d.single_precision = c.single_precision;
    grids.push_back(tessera::io::xdmf_grid(d));
    // Rewritten after every snapshot, as the driver does.
    tessera::io::write_xdmf_series(dir / (c.name + ".xmf"), grids);

    j.begin_object();
    j.key("time").value(times[s]);
    j.key("step").value(step);
    j.key("h5").value(rel);
    j.key("fields").begin_object();
    for (const auto& fld : fields) {
      j.key(fld.name);
      put_doubles(j, fld.values);
    }
    j.end_object();
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

void write_particle_series(const fs::path& dir, const std::vector<double>& times, JsonWriter& j) {
  const std::int64_t n = 50;
  const std::vector<double> lower{0, 0, 0}, upper{2, 1, 1};
  j.begin_object();
  j.key("xmf").value("particles.xmf");
  j.key("kind").value("particles");
  j.key("count").value(n);
  j.key("steps").begin_array();

  std::vector<std::string> grids;
  for (std::size_t s = 0; s < times.size(); ++s) {
    const double t = times[s];
    const std::string rel = strfmt("snapshots/particles_%05zu.h5", s);
    // File order is not id order (ids are a permutation), as after migration
    // between ranks; readers that sort by id must undo it.
    std::vector<std::int64_t> id(n), connectivity(n);
    std::vector<std::int32_t> type(n);
    std::vector<double> position(3 * n), velocity(3 * n), mass(n);
    for (std::int64_t p = 0; p < n; ++p) {
      id[p] = (17 * p + 5 + static_cast<std::int64_t>(s) * 3) % n;
      connectivity[p] = p;
      const double q = static_cast<double>(id[p]);
      type[p] = static_cast<std::int32_t>(id[p] % 3);
      mass[p] = 1.0 + 0.01 * q;
      velocity[3 * p + 0] = 0.01 * (q - 25);
      velocity[3 * p + 1] = -0.02 * q;
      velocity[3 * p + 2] = 0.5 + 0.001 * q;
      position[3 * p + 0] = 2.0 * q / n + velocity[3 * p + 0] * t * 0.01;
      position[3 * p + 1] = static_cast<double>((7 * id[p]) % n) / n;
      position[3 * p + 2] = static_cast<double>((11 * id[p] + 1) % n) / n + 0.001 * t;
    }
    const auto step = static_cast<std::int64_t>(100 * s);
    const std::uint64_t un = static_cast<std::uint64_t>(n);
    {
      h5::File f((dir / rel).string(), h5::File::Mode::Create, false);
      write_root(f, t, step);
      auto box = f.create_group("box");
      box.set_attribute("lower", lower);
      box.set_attribute("upper", upper);
      box.set_attribute("periodic", std::vector<std::int64_t>{1, 1, 1});
      auto pg = f.create_group("particles");
      pg.create_dataset("id", h5::Type::Int64, {un}).write(id.data(), {0}, {un});
      pg.create_dataset("position", h5::Type::Float64, {un, 3}).write(position.data(), {0, 0}, {un, 3});
      pg.create_dataset("velocity", h5::Type::Float64, {un, 3}).write(velocity.data(), {0, 0}, {un, 3});
      pg.create_dataset("mass", h5::Type::Float64, {un}).write(mass.data(), {0}, {un});
      pg.create_dataset("type", h5::Type::Int32, {un}).write(type.data(), {0}, {un});
      pg.create_dataset("connectivity", h5::Type::Int64, {un}).write(connectivity.data(), {0}, {un});
      f.close();
    }
    tessera::io::XdmfParticleDesc d;
    d.h5_path = rel;
    d.time = t;
    d.count = n;
    d.arrays = {{"id", 1, true, 8}, {"velocity", 3, false, 8}, {"mass", 1, false, 8}, {"type", 1, true, 4}};
    grids.push_back(tessera::io::xdmf_particles(d));
    tessera::io::write_xdmf_series(dir / "particles.xmf", grids);

    j.begin_object();
    j.key("time").value(t);
    j.key("step").value(step);
    j.key("h5").value(rel);
    j.key("arrays").begin_object();
    j.key("id");
    put_ints(j, id);
    j.key("position");
    put_doubles(j, position);
    j.key("velocity");
    put_doubles(j, velocity);
    j.key("mass");
    put_doubles(j, mass);
    j.key("type");
    put_ints(j, type);
    j.end_object();
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  try {
    const fs::path dir = argv[1];
    fs::remove_all(dir);
    fs::create_directories(dir / "snapshots");

    // Unequal extents and non-zero origins in every direction, so that a
    // swapped x/z order in origin, spacing or node counts shows in the bounds.
    // Times that are not short binary fractions test the 17-digit printing.
    const std::vector<double> times{0.0, 0.1};
    JsonWriter j;
    j.begin_object().key("series").begin_array();
    write_grid_series(dir, {"grid3d", {4, 3, 2}, {-1.0, 0.0, 2.0}, {1.0, 0.75, 4.0}, false}, times, j);
    write_grid_series(dir, {"grid2d", {5, 4, 1}, {0.0, -0.5, 0.0}, {2.5, 1.5, 0.25}, true}, times, j);
    write_grid_series(dir, {"grid1d", {8, 1, 1}, {0.5, 0.0, 0.0}, {4.5, 0.5, 0.5}, false}, times, j);
    write_particle_series(dir, {1.0 / 3.0, 0.5}, j);
    j.end_array().end_object();
    tessera::io::write_file_atomically(dir / "fixture.json", j.str() + "\n");
    std::printf("wrote %s\n", dir.string().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tessera_xdmf_fixture: %s\n", e.what());
    return 1;
  }
  return 0;
}
