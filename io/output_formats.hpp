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

  // From [output] format's values; the schema has already refused unknown
  // names. nbody.direct's "tessera" and "gadget4" are HDF5 layouts (the
  // solver picks which).
  static OutputFormats from_names(const std::vector<std::string>& names) {
    OutputFormats f{false, false};
    for (const auto& n : names) {
      if (n == "hdf5" || n == "tessera" || n == "gadget4") f.hdf5 = true;
      if (n == "vtkhdf") f.vtkhdf = true;
    }
    return f;
  }
};

}  // namespace tessera::io
