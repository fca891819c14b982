#pragma once
// Which files a snapshot writes: Tessera's HDF5 layout (with its XDMF
// descriptor, see DESIGN.md), VTKHDF (io/vtkhdf.hpp) for VTK-based tools, or
// both. Chosen by [output] format and carried to the writers with the
// snapshot's metadata, so every solver gets every format without code of its own.
#include <string>
#include <vector>

namespace tessera::io {

struct OutputFormats {
  bool hdf5 = true;
  bool vtkhdf = false;

  // From [output] format's values ("hdf5", "vtkhdf"); the schema has already
  // refused any other name.
  static OutputFormats from_names(const std::vector<std::string>& names) {
    OutputFormats f{false, false};
    for (const auto& n : names) {
      if (n == "hdf5") f.hdf5 = true;
      if (n == "vtkhdf") f.vtkhdf = true;
    }
    return f;
  }
};

}  // namespace tessera::io
