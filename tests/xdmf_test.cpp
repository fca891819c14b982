// The XDMF text ParaView reads: exact documents, because the order of origin,
// spacing and node counts (z, y, x) is easy to get wrong and silently gives a
// transposed picture. tests/paraview/check_xdmf.py proves the same documents
// load with the right values in ParaView itself.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "io/xdmf.hpp"
#include "runtime/error.hpp"

namespace fs = std::filesystem;
using namespace tessera::io;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST(Xdmf, Grid3dListsNodesOriginAndSpacingZyx) {
  XdmfGridDesc g;
  g.h5_path = "snapshots/flow_00002.h5";
  g.time = 0.1;
  g.cells = {4, 3, 2};  // x, y, z
  g.lower = {-1, 0, 2};
  g.upper = {1, 0.75, 4};  // dx 0.5, dy 0.25, dz 1
  g.fields = {"density", "pressure"};
  const std::string xml = xdmf_grid(g);
  EXPECT_EQ(xml,
            "      <Grid Name=\"flow_00002\" GridType=\"Uniform\">\n"
            "        <Time Value=\"0.10000000000000001\"/>\n"
            "        <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"3 4 5\"/>\n"
            "        <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n"
            "          <DataItem Name=\"Origin\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" "
            "Format=\"XML\">2 0 -1</DataItem>\n"
            "          <DataItem Name=\"Spacing\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" "
            "Format=\"XML\">1 0.25 0.5</DataItem>\n"
            "        </Geometry>\n"
            "        <Attribute Name=\"density\" AttributeType=\"Scalar\" Center=\"Cell\">\n"
            "          <DataItem Dimensions=\"2 3 4\" NumberType=\"Float\" Precision=\"8\" "
            "Format=\"HDF\">snapshots/flow_00002.h5:/fields/density</DataItem>\n"
            "        </Attribute>\n"
            "        <Attribute Name=\"pressure\" AttributeType=\"Scalar\" Center=\"Cell\">\n"
            "          <DataItem Dimensions=\"2 3 4\" NumberType=\"Float\" Precision=\"8\" "
            "Format=\"HDF\">snapshots/flow_00002.h5:/fields/pressure</DataItem>\n"
            "        </Attribute>\n"
            "      </Grid>\n");
}

TEST(Xdmf, Grid3dOrderWithDistinctSpacings) {
  // Every direction distinct, so a swapped pair cannot pass.
  XdmfGridDesc g;
  g.h5_path = "s.h5";
  g.cells = {10, 20, 40};
  g.lower = {1, 2, 3};
  g.upper = {2, 6, 23};  // dx 0.1, dy 0.2, dz 0.5
  g.fields = {"density"};
  const std::string xml = xdmf_grid(g);
  EXPECT_NE(xml.find("Dimensions=\"41 21 11\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find(">3 2 1</DataItem>"), std::string::npos) << xml;
  EXPECT_NE(xml.find(">0.5 0.20000000000000001 0.10000000000000001</DataItem>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<DataItem Dimensions=\"40 20 10\""), std::string::npos) << xml;
}

TEST(Xdmf, Grid2dIsOneCellThickSlabInZ) {
  XdmfGridDesc g;
  g.h5_path = "snapshots/kh_00000.h5";
  g.time = 0;
  g.cells = {5, 4, 1};
  g.lower = {0, -0.5, 0};
  g.upper = {2.5, 1.5, 0.25};
  g.fields = {"density"};
  g.single_precision = true;
  EXPECT_EQ(xdmf_grid(g),
            "      <Grid Name=\"kh_00000\" GridType=\"Uniform\">\n"
            "        <Time Value=\"0\"/>\n"
            "        <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"2 5 6\"/>\n"
            "        <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n"
            "          <DataItem Name=\"Origin\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" "
            "Format=\"XML\">0 -0.5 0</DataItem>\n"
            "          <DataItem Name=\"Spacing\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" "
            "Format=\"XML\">0.25 0.5 0.5</DataItem>\n"
            "        </Geometry>\n"
            "        <Attribute Name=\"density\" AttributeType=\"Scalar\" Center=\"Cell\">\n"
            "          <DataItem Dimensions=\"1 4 5\" NumberType=\"Float\" Precision=\"4\" "
            "Format=\"HDF\">snapshots/kh_00000.h5:/fields/density</DataItem>\n"
            "        </Attribute>\n"
            "      </Grid>\n");
}

TEST(Xdmf, Grid1dSpansTheFullYAndZExtents) {
  XdmfGridDesc g;
  g.h5_path = "sod_00007.h5";
  g.time = 0.25;
  g.cells = {8, 1, 1};
  g.lower = {0.5, 0, 0};
  g.upper = {4.5, 0.5, 0.75};
  g.fields = {"pressure"};
  EXPECT_EQ(xdmf_grid(g),
            "      <Grid Name=\"sod_00007\" GridType=\"Uniform\">\n"
            "        <Time Value=\"0.25\"/>\n"
            "        <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"2 2 9\"/>\n"
            "        <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n"
            "          <DataItem Name=\"Origin\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" "
            "Format=\"XML\">0 0 0.5</DataItem>\n"
            "          <DataItem Name=\"Spacing\" Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" "
            "Format=\"XML\">0.75 0.5 0.5</DataItem>\n"
            "        </Geometry>\n"
            "        <Attribute Name=\"pressure\" AttributeType=\"Scalar\" Center=\"Cell\">\n"
            "          <DataItem Dimensions=\"1 1 8\" NumberType=\"Float\" Precision=\"8\" "
            "Format=\"HDF\">sod_00007.h5:/fields/pressure</DataItem>\n"
            "        </Attribute>\n"
            "      </Grid>\n");
}

TEST(Xdmf, CollapsedDirectionWithoutExtentGetsVisibleThickness) {
  XdmfGridDesc g;
  g.h5_path = "a.h5";
  g.cells = {4, 2, 1};
  g.lower = {0, 0, 0};
  g.upper = {1, 1, 0};  // a 2-D box declared flat in z
  const std::string xml = xdmf_grid(g);
  EXPECT_NE(xml.find(">0.5 0.5 0.25</DataItem>"), std::string::npos) << xml;
}

TEST(Xdmf, RejectsInvalidGrids) {
  XdmfGridDesc g;
  g.h5_path = "a.h5";
  g.cells = {0, 1, 1};
  EXPECT_THROW(xdmf_grid(g), tessera::Error);
  g.cells = {4, 4, 4};
  g.upper = {1, -1, 1};
  EXPECT_THROW(xdmf_grid(g), tessera::Error);
}

TEST(Xdmf, ParticlesArePolyverticesWithTypedAttributes) {
  XdmfParticleDesc p;
  p.h5_path = "snapshots/lj_00001.h5";
  p.time = 1.0 / 3.0;
  p.count = 50;
  p.arrays = {{"id", 1, true, 8}, {"velocity", 3, false, 8}, {"mass", 1, false, 8}, {"type", 1, true, 4}};
  EXPECT_EQ(xdmf_particles(p),
            "      <Grid Name=\"lj_00001\" GridType=\"Uniform\">\n"
            "        <Time Value=\"0.33333333333333331\"/>\n"
            "        <Topology TopologyType=\"Polyvertex\" NumberOfElements=\"50\" NodesPerElement=\"1\">\n"
            "          <DataItem Dimensions=\"50\" NumberType=\"Int\" Precision=\"8\" "
            "Format=\"HDF\">snapshots/lj_00001.h5:/particles/connectivity</DataItem>\n"
            "        </Topology>\n"
            "        <Geometry GeometryType=\"XYZ\">\n"
            "          <DataItem Dimensions=\"50 3\" NumberType=\"Float\" Precision=\"8\" "
            "Format=\"HDF\">snapshots/lj_00001.h5:/particles/position</DataItem>\n"
            "        </Geometry>\n"
            "        <Attribute Name=\"id\" AttributeType=\"Scalar\" Center=\"Node\">\n"
            "          <DataItem Dimensions=\"50\" NumberType=\"Int\" Precision=\"8\" "
            "Format=\"HDF\">snapshots/lj_00001.h5:/particles/id</DataItem>\n"
            "        </Attribute>\n"
            "        <Attribute Name=\"velocity\" AttributeType=\"Vector\" Center=\"Node\">\n"
            "          <DataItem Dimensions=\"50 3\" NumberType=\"Float\" Precision=\"8\" "
            "Format=\"HDF\">snapshots/lj_00001.h5:/particles/velocity</DataItem>\n"
            "        </Attribute>\n"
            "        <Attribute Name=\"mass\" AttributeType=\"Scalar\" Center=\"Node\">\n"
            "          <DataItem Dimensions=\"50\" NumberType=\"Float\" Precision=\"8\" "
            "Format=\"HDF\">snapshots/lj_00001.h5:/particles/mass</DataItem>\n"
            "        </Attribute>\n"
            "        <Attribute Name=\"type\" AttributeType=\"Scalar\" Center=\"Node\">\n"
            "          <DataItem Dimensions=\"50\" NumberType=\"Int\" Precision=\"4\" "
            "Format=\"HDF\">snapshots/lj_00001.h5:/particles/type</DataItem>\n"
            "        </Attribute>\n"
            "      </Grid>\n");
}

TEST(Xdmf, RejectsInvalidParticleArrays) {
  XdmfParticleDesc p;
  p.h5_path = "p.h5";
  p.count = 3;
  p.arrays = {{"force", 2, false, 8}};
  EXPECT_THROW(xdmf_particles(p), tessera::Error);
  p.arrays = {{"mass", 1, false, 2}};
  EXPECT_THROW(xdmf_particles(p), tessera::Error);
}

TEST(Xdmf, SeriesIsATemporalCollectionReplacedAtomically) {
  const fs::path dir = fs::temp_directory_path() / ("tessera_xdmf_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path path = dir / "flow.xmf";

  XdmfGridDesc g;
  g.h5_path = "snapshots/flow_00000.h5";
  g.cells = {2, 2, 2};
  g.fields = {"density"};
  std::vector<std::string> grids{xdmf_grid(g)};
  write_xdmf_series(path, grids);
  std::ofstream(path.string() + ".tmp") << "stale leftover of a crashed write";

  g.h5_path = "snapshots/flow_00001.h5";
  g.time = 0.5;
  grids.push_back(xdmf_grid(g));
  write_xdmf_series(path, grids);

  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
  EXPECT_EQ(read_text(path), "<?xml version=\"1.0\" ?>\n"
                             "<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n"
                             "<Xdmf Version=\"2.0\">\n"
                             "  <Domain>\n"
                             "    <Grid Name=\"flow\" GridType=\"Collection\" CollectionType=\"Temporal\">\n" +
                                 grids[0] + grids[1] +
                                 "    </Grid>\n"
                                 "  </Domain>\n"
                                 "</Xdmf>\n");
  std::vector<fs::path> left;
  for (const auto& e : fs::directory_iterator(dir)) left.push_back(e.path().filename());
  EXPECT_EQ(left, std::vector<fs::path>{"flow.xmf"});
  fs::remove_all(dir);
}
