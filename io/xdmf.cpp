#include "io/xdmf.hpp"

#include <algorithm>

#include "io/atomic_file.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"

namespace tessera::io {

namespace {

// 17 significant digits: a double survives the round trip through the text,
// so ParaView's time steps match the snapshots' `time` attributes exactly.
std::string num(double v) { return strfmt("%.17g", v); }

std::string num(std::int64_t v) { return strfmt("%lld", static_cast<long long>(v)); }

// ParaView groups a series' grids by name; the snapshot's file stem is unique
// within a series and tells the user which file a time step came from.
std::string grid_name(const std::string& h5_path) {
  std::string stem = std::filesystem::path(h5_path).stem().string();
  return stem.empty() ? "snapshot" : stem;
}

std::string heavy_item(const std::string& dims, const char* number_type, int precision, const std::string& h5_path,
                       const std::string& dataset) {
  return strfmt("<DataItem Dimensions=\"%s\" NumberType=\"%s\" Precision=\"%d\" Format=\"HDF\">%s:%s</DataItem>",
                dims.c_str(), number_type, precision, h5_path.c_str(), dataset.c_str());
}

}  // namespace

// Every grid, also a 2-D or 1-D one, is a 3DCoRectMesh one cell thick in each
// collapsed direction. ParaView 5.11's Xdmf (2) reader places a 2DCoRectMesh
// in VTK's y-z plane (the run's x becomes y, its y becomes z, so vectors built
// from velocity_x/_y point out of the plane), and the Xdmf3 readers cannot read
// the HyperSlab a 2-D topology would need over our always-3-D datasets; a
// one-cell slab keeps x, y, z where they belong and reads (1, ny, nx) as is.
std::string xdmf_grid(const XdmfGridDesc& g) {
  TESSERA_REQUIRE(!g.h5_path.empty(), "XDMF grid: empty HDF5 path");
  std::array<double, 3> spacing{};
  for (int d = 0; d < 3; ++d) {
    TESSERA_REQUIRE(g.cells[d] >= 1, "XDMF grid: cell counts must be positive");
    spacing[d] = (g.upper[d] - g.lower[d]) / static_cast<double>(g.cells[d]);
  }
  // A collapsed direction of zero extent would give zero-thickness cells,
  // which VTK filters that invert the spacing (probe, find cell) choke on.
  const double widest = std::max({spacing[0], spacing[1], spacing[2]});
  for (int d = 0; d < 3; ++d) {
    if (g.cells[d] == 1 && !(spacing[d] > 0)) spacing[d] = widest > 0 ? widest : 1.0;
    TESSERA_REQUIRE(spacing[d] > 0, "XDMF grid: upper must exceed lower in every resolved direction");
  }

  // XDMF lists dimensions slowest first: z, y, x for nodes, origin and spacing alike.
  const auto& n = g.cells;
  const std::string nodes = num(n[2] + 1) + " " + num(n[1] + 1) + " " + num(n[0] + 1);
  const std::string cells = num(n[2]) + " " + num(n[1]) + " " + num(n[0]);
  const int precision = g.single_precision ? 4 : 8;

  std::string s;
  s += "      <Grid Name=\"" + grid_name(g.h5_path) + "\" GridType=\"Uniform\">\n";
  s += "        <Time Value=\"" + num(g.time) + "\"/>\n";
  s += "        <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"" + nodes + "\"/>\n";
  s += "        <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n";
  s += "          <DataItem Name=\"Origin\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">" +
       num(g.lower[2]) + " " + num(g.lower[1]) + " " + num(g.lower[0]) + "</DataItem>\n";
  s += "          <DataItem Name=\"Spacing\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">" +
       num(spacing[2]) + " " + num(spacing[1]) + " " + num(spacing[0]) + "</DataItem>\n";
  s += "        </Geometry>\n";
  for (const auto& f : g.fields) {
    TESSERA_REQUIRE(!f.empty(), "XDMF grid: empty field name");
    s += "        <Attribute Name=\"" + f + "\" AttributeType=\"Scalar\" Center=\"Cell\">\n";
    s += "          " + heavy_item(cells, "Float", precision, g.h5_path, "/fields/" + f) + "\n";
    s += "        </Attribute>\n";
  }
  s += "      </Grid>\n";
  return s;
}

// One Polyvertex element per particle through /particles/connectivity
// (0..N-1): ParaView then shows N vertex cells, so particles render and
// threshold/extract-cells filters work without a Glyph.
std::string xdmf_particles(const XdmfParticleDesc& p) {
  TESSERA_REQUIRE(!p.h5_path.empty(), "XDMF particles: empty HDF5 path");
  TESSERA_REQUIRE(p.count >= 0, "XDMF particles: negative particle count");
  const std::string n = num(p.count);

  std::string s;
  s += "      <Grid Name=\"" + grid_name(p.h5_path) + "\" GridType=\"Uniform\">\n";
  s += "        <Time Value=\"" + num(p.time) + "\"/>\n";
  s += "        <Topology TopologyType=\"Polyvertex\" NumberOfElements=\"" + n + "\" NodesPerElement=\"1\">\n";
  s += "          " + heavy_item(n, "Int", 8, p.h5_path, "/" + p.group + "/connectivity") + "\n";
  s += "        </Topology>\n";
  s += "        <Geometry GeometryType=\"XYZ\">\n";
  s += "          " + heavy_item(n + " 3", "Float", 8, p.h5_path, "/" + p.group + "/" + p.position) + "\n";
  s += "        </Geometry>\n";
  for (const auto& a : p.arrays) {
    TESSERA_REQUIRE(!a.name.empty(), "XDMF particles: empty array name");
    TESSERA_REQUIRE(a.components == 1 || a.components == 3, "XDMF particles: arrays have 1 or 3 components");
    TESSERA_REQUIRE(a.bytes == 4 || a.bytes == 8, "XDMF particles: arrays have 4- or 8-byte elements");
    const bool vector = a.components == 3;
    s += "        <Attribute Name=\"" + a.name + "\" AttributeType=\"" + (vector ? "Vector" : "Scalar") +
         "\" Center=\"Node\">\n";
    s += "          " +
         heavy_item(vector ? n + " 3" : n, a.integer ? "Int" : "Float", a.bytes, p.h5_path, "/" + p.group + "/" + a.name) +
         "\n";
    s += "        </Attribute>\n";
  }
  s += "      </Grid>\n";
  return s;
}

void write_xdmf_series(const std::filesystem::path& path, const std::vector<std::string>& grids) {
  std::string s;
  s += "<?xml version=\"1.0\" ?>\n";
  s += "<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n";
  s += "<Xdmf Version=\"2.0\">\n";
  s += "  <Domain>\n";
  s += "    <Grid Name=\"" + path.stem().string() + "\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
  for (const auto& g : grids) s += g;
  s += "    </Grid>\n";
  s += "  </Domain>\n";
  s += "</Xdmf>\n";
  write_file_atomically(path, s);
}

}  // namespace tessera::io
