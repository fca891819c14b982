#include "io/lammps_data.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "runtime/error.hpp"

namespace tessera::io {

namespace {

struct Line {
  std::size_t number = 0;  // 1-based, as editors show it
  std::vector<std::string> words;
  std::string comment;  // text after '#', trimmed
};

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::string join(const std::vector<std::string>& words, std::size_t from = 0, std::size_t to = std::string::npos) {
  std::string out;
  for (std::size_t i = from; i < words.size() && i < to; ++i) out += (i > from ? " " : "") + words[i];
  return out;
}

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {
    std::ifstream in(path_);
    if (!in) throw InputError("cannot read LAMMPS data file " + path_ + ": " + std::generic_category().message(errno));
    std::string text;
    for (std::size_t n = 1; std::getline(in, text); ++n) {
      Line l;
      l.number = n;
      const auto hash = text.find('#');
      if (hash != std::string::npos) {
        l.comment = trim(std::string_view(text).substr(hash + 1));
        text.resize(hash);
      }
      std::istringstream words(text);
      for (std::string w; words >> w;) l.words.push_back(w);
      lines_.push_back(std::move(l));
    }
  }

  LammpsData parse() {
    std::size_t i = parse_header();
    std::set<std::string> seen;
    while (i < lines_.size()) {
      const Line& head = lines_[i];
      if (head.words.empty()) {
        ++i;
        continue;
      }
      const std::string keyword = join(head.words);
      if (!seen.insert(keyword).second) fail(head, "a second " + keyword + " section");
      i = parse_section(keyword, i);
    }
    finish();
    return std::move(d_);
  }

 private:
  [[noreturn]] void fail(const Line& l, const std::string& what) const {
    throw InputError(path_ + ":" + std::to_string(l.number) + ": " + what);
  }
  [[noreturn]] void fail(const std::string& what) const { throw InputError(path_ + ": " + what); }

  // The whole word as a T (a leading '+' allowed, reals finite).
  template <class T>
  static std::optional<T> parse(std::string_view s) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    T v{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    if constexpr (std::is_floating_point_v<T>)
      if (!std::isfinite(v)) return std::nullopt;
    return v;
  }
  double real(const Line& l, std::size_t k, const char* what) const {
    auto v = parse<double>(l.words[k]);
    if (!v) fail(l, std::string(what) + " '" + l.words[k] + "' is not a number");
    return *v;
  }
  std::int64_t integer(const Line& l, std::size_t k, const char* what) const {
    auto v = parse<std::int64_t>(l.words[k]);
    if (!v) fail(l, std::string(what) + " '" + l.words[k] + "' is not an integer");
    return *v;
  }

  // Header lines until the first line that does not start with a number:
  // the first section keyword. Returns its index.
  std::size_t parse_header() {
    static const std::set<std::string> molecular = {
        "bonds", "angles", "dihedrals", "impropers", "bond types", "angle types", "dihedral types",
        "improper types", "extra bond per atom", "extra angle per atom", "extra dihedral per atom",
        "extra improper per atom", "extra special per atom", "ellipsoids", "lines", "triangles", "bodies"};
    const char* axes[3][2] = {{"xlo", "xhi"}, {"ylo", "yhi"}, {"zlo", "zhi"}};
    std::size_t i = 1;  // line 1 is the title, whatever it says
    for (; i < lines_.size(); ++i) {
      const Line& l = lines_[i];
      if (l.words.empty()) continue;
      if (!parse<double>(l.words[0])) break;
      const std::string keyword = join(l.words, 1);
      if (keyword == "atoms" && l.words.size() == 2) {
        natoms_ = integer(l, 0, "atom count");
        if (natoms_ < 0) fail(l, "negative atom count");
        have_natoms_ = true;
        continue;
      }
      if (keyword == "atom types" && l.words.size() == 3) {
        const std::int64_t t = integer(l, 0, "atom type count");
        if (t < 1 || t > 1000000) fail(l, "atom type count " + l.words[0] + " must be at least 1");
        d_.types = static_cast<int>(t);
        have_types_ = true;
        continue;
      }
      bool box_line = false;
      for (int a = 0; a < 3; ++a) {
        if (l.words.size() == 4 && l.words[2] == axes[a][0] && l.words[3] == axes[a][1]) {
          d_.lower[a] = real(l, 0, axes[a][0]);
          d_.upper[a] = real(l, 1, axes[a][1]);
          if (!(d_.upper[a] > d_.lower[a]))
            fail(l, std::string(axes[a][1]) + " must be greater than " + axes[a][0]);
          box_line = true;
        }
      }
      if (box_line) continue;
      if (keyword.ends_with("xy xz yz") || keyword.find("avec") != std::string::npos ||
          keyword.find("bvec") != std::string::npos || keyword.find("cvec") != std::string::npos ||
          keyword.find("abc origin") != std::string::npos)
        fail(l, "triclinic box ('" + join(l.words) + "'): only orthogonal boxes are supported");
      if (molecular.count(keyword)) {
        if (*parse<double>(l.words[0]) != 0)
          fail(l, "'" + join(l.words) + "': molecular topology is not supported yet (md has no bonded "
                  "interactions): only positions, charges and molecule ids are read; remove the " + keyword +
                  " or run this system in LAMMPS");
        continue;
      }
      fail(l, "unknown header line '" + join(l.words) + "'");
    }
    if (!have_natoms_) fail("the header has no 'N atoms' line");
    if (!have_types_) fail("the header has no 'N atom types' line");
    return i;
  }

  // The entries after the keyword at `head`: a blank line, then `count` lines.
  // Returns the index after the last entry.
  std::size_t entries(std::size_t head, std::int64_t count, const std::string& keyword, std::vector<const Line*>& out) {
    std::size_t i = head + 1;
    while (i < lines_.size() && lines_[i].words.empty()) ++i;
    for (std::int64_t k = 0; k < count; ++k, ++i) {
      if (i >= lines_.size() || lines_[i].words.empty()) {
        const std::string where = i >= lines_.size() ? "at the end of the file" : "at a blank line";
        const Line& at = i >= lines_.size() ? lines_[head] : lines_[i];
        fail(at, keyword + " section ends " + where + " after " + std::to_string(k) + " of " + std::to_string(count) +
                     " entries (the header's count)");
      }
      out.push_back(&lines_[i]);
    }
    return i;
  }

  std::size_t parse_section(const std::string& keyword, std::size_t head) {
    static const std::set<std::string> molecular = {
        "Bonds", "Angles", "Dihedrals", "Impropers", "Bond Coeffs", "Angle Coeffs", "Dihedral Coeffs",
        "Improper Coeffs", "BondBond Coeffs", "BondAngle Coeffs", "MiddleBondTorsion Coeffs",
        "EndBondTorsion Coeffs", "AngleTorsion Coeffs", "AngleAngleTorsion Coeffs", "BondBond13 Coeffs",
        "AngleAngle Coeffs", "Ellipsoids", "Lines", "Triangles", "Bodies"};
    const Line& h = lines_[head];
    std::vector<const Line*> rows;
    if (keyword == "Masses") {
      const std::size_t next = entries(head, d_.types, keyword, rows);
      d_.masses.assign(static_cast<std::size_t>(d_.types), 0.0);
      std::vector<bool> given(static_cast<std::size_t>(d_.types), false);
      for (const Line* l : rows) {
        columns(*l, {2}, "Masses line", "type mass");
        const std::int64_t t = type_of(*l, 0);
        if (given[t - 1]) fail(*l, "a second mass for type " + std::to_string(t));
        given[t - 1] = true;
        d_.masses[t - 1] = real(*l, 1, "mass");
        if (!(d_.masses[t - 1] > 0)) fail(*l, "mass of type " + std::to_string(t) + " must be positive");
      }
      return next;
    }
    if (keyword == "Atoms") {
      std::istringstream style(h.comment);
      std::string name;
      const bool named = static_cast<bool>(style >> name);
      if (named && name != "atomic" && name != "charge" && name != "full")
        fail(h, "Atoms section is for atom_style '" + name + "'; only atom_style atomic, charge and full are read");
      const std::size_t next = entries(head, natoms_, keyword, rows);
      if (!named && !rows.empty()) {
        // No style comment: the column count of the first line tells.
        const std::size_t n = rows.front()->words.size();
        name = n == 5 || n == 8 ? "atomic" : n == 6 || n == 9 ? "charge" : n == 7 || n == 10 ? "full" : "atomic";
      }
      if (name.empty()) name = "atomic";
      d_.style = name;
      // Columns before x: id [molecule] type [q].
      const std::size_t lead = name == "atomic" ? 2 : name == "charge" ? 3 : 4;
      const std::string layout = name == "atomic"   ? "id type x y z"
                                 : name == "charge" ? "id type q x y z"
                                                    : "id molecule type q x y z";
      have_atoms_ = true;
      const double length[3] = {d_.upper[0] - d_.lower[0], d_.upper[1] - d_.lower[1], d_.upper[2] - d_.lower[2]};
      for (const Line* l : rows) {
        columns(*l, {lead + 3, lead + 6}, ("Atoms line (atom_style " + name + ")").c_str(),
                (layout + ", optionally followed by image flags ix iy iz").c_str());
        atom_lines_.push_back(l);
        d_.id.push_back(integer(*l, 0, "atom id"));
        d_.type.push_back(static_cast<int>(type_of(*l, name == "full" ? 2 : 1)));
        if (name == "full") d_.molecule.push_back(integer(*l, 1, "molecule id"));
        if (name != "atomic") d_.q.push_back(real(*l, lead - 1, "charge"));
        double r[3];
        for (int a = 0; a < 3; ++a) {
          r[a] = real(*l, lead + a, "coordinate");
          if (l->words.size() == lead + 6)
            r[a] += static_cast<double>(integer(*l, lead + 3 + a, "image flag")) * length[a];
        }
        d_.x.push_back(r[0]), d_.y.push_back(r[1]), d_.z.push_back(r[2]);
      }
      return next;
    }
    if (keyword == "Velocities") {
      const std::size_t next = entries(head, natoms_, keyword, rows);
      for (const Line* l : rows) {
        columns(*l, {4}, "Velocities line", "id vx vy vz");
        velocity_lines_.push_back(l);
      }
      return next;
    }
    if (keyword == "Pair Coeffs" || keyword == "PairIJ Coeffs") {
      const std::int64_t t = d_.types;
      return entries(head, keyword == "Pair Coeffs" ? t : t * (t + 1) / 2, keyword, rows);
    }
    if (molecular.count(keyword))
      fail(h, keyword + " section: molecular topology is not supported yet (md has no bonded interactions): only "
              "positions, charges and molecule ids are read; remove the section or run this system in LAMMPS");
    fail(h, "unknown section '" + keyword + "' (expected Masses, Atoms, Velocities, Pair Coeffs or PairIJ Coeffs)");
  }

  void columns(const Line& l, std::initializer_list<std::size_t> allowed, const char* what, const char* layout) const {
    for (std::size_t n : allowed)
      if (l.words.size() == n) return;
    std::string counts;
    for (std::size_t n : allowed) counts += (counts.empty() ? "" : " or ") + std::to_string(n);
    fail(l, std::string(what) + " has " + std::to_string(l.words.size()) + " columns; expected " + counts + " (" +
                layout + ")");
  }

  std::int64_t type_of(const Line& l, std::size_t k) const {
    const std::int64_t t = integer(l, k, "atom type");
    if (t < 1 || t > d_.types)
      fail(l, "atom type " + std::to_string(t) + " is outside 1 .. " + std::to_string(d_.types) +
                  " (the header's atom types)");
    return t;
  }

  void finish() {
    if (natoms_ > 0 && !have_atoms_)
      fail("no Atoms section, but the header declares " + std::to_string(natoms_) + " atoms");
    // Ids 1 .. N each once: the index of atom id k is slot[k - 1].
    std::vector<std::int64_t> slot(static_cast<std::size_t>(natoms_), -1);
    for (std::size_t i = 0; i < d_.id.size(); ++i) {
      const std::int64_t id = d_.id[i];
      if (id < 1 || id > natoms_)
        fail(*atom_lines_[i], "atom id " + std::to_string(id) + " is outside 1 .. " + std::to_string(natoms_) +
                                  " (renumber with LAMMPS's reset_atoms id)");
      if (slot[id - 1] >= 0)
        fail(*atom_lines_[i], "atom id " + std::to_string(id) + " appears twice (first at line " +
                                  std::to_string(atom_lines_[slot[id - 1]]->number) + ")");
      slot[id - 1] = static_cast<std::int64_t>(i);
    }
    if (!velocity_lines_.empty()) {
      d_.vx.assign(d_.id.size(), 0.0), d_.vy.assign(d_.id.size(), 0.0), d_.vz.assign(d_.id.size(), 0.0);
      std::vector<std::size_t> given(d_.id.size(), 0);
      for (const Line* l : velocity_lines_) {
        const std::int64_t id = integer(*l, 0, "atom id");
        if (id < 1 || id > natoms_)
          fail(*l, "velocity for atom id " + std::to_string(id) + ", outside 1 .. " + std::to_string(natoms_));
        const auto i = static_cast<std::size_t>(slot[id - 1]);
        if (given[i]) fail(*l, "a second velocity for atom id " + std::to_string(id) + " (first at line " +
                                   std::to_string(given[i]) + ")");
        given[i] = l->number;
        d_.vx[i] = real(*l, 1, "vx"), d_.vy[i] = real(*l, 2, "vy"), d_.vz[i] = real(*l, 3, "vz");
      }
    }
  }

  std::string path_;
  std::vector<Line> lines_;
  LammpsData d_;
  std::int64_t natoms_ = 0;
  bool have_natoms_ = false, have_types_ = false, have_atoms_ = false;
  std::vector<const Line*> atom_lines_, velocity_lines_;
};

// Shortest decimal text that reads back to the same double.
std::string exact(double v) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  return std::string(buf, end);
}

}  // namespace

LammpsData read_lammps_data(const std::string& path) { return Reader(path).parse(); }

void write_lammps_data(const std::string& path, const LammpsData& d) {
  const std::size_t n = d.id.size();
  if (d.type.size() != n || d.x.size() != n || d.y.size() != n || d.z.size() != n)
    throw Error("write_lammps_data " + path + ": id, type, x, y, z differ in length");
  const bool velocities = !d.vx.empty() || !d.vy.empty() || !d.vz.empty();
  if (velocities && (d.vx.size() != n || d.vy.size() != n || d.vz.size() != n))
    throw Error("write_lammps_data " + path + ": vx, vy, vz must be empty or one per atom");
  if (!d.masses.empty() && d.masses.size() != static_cast<std::size_t>(d.types))
    throw Error("write_lammps_data " + path + ": masses must be empty or one per type");
  if (d.style != "atomic" && d.style != "charge" && d.style != "full")
    throw Error("write_lammps_data " + path + ": unknown atom_style '" + d.style + "'");
  if (d.style != "atomic" && d.q.size() != n)
    throw Error("write_lammps_data " + path + ": atom_style " + d.style + " needs one charge per atom");
  if (d.style == "full" && d.molecule.size() != n)
    throw Error("write_lammps_data " + path + ": atom_style full needs one molecule id per atom");

  std::ofstream out(path);
  if (!out) throw Error("cannot write LAMMPS data file " + path + ": " + std::generic_category().message(errno));
  out << "LAMMPS data file written by Tessera (atom_style " << d.style << ")\n\n";
  out << n << " atoms\n" << d.types << " atom types\n\n";
  const char* axes[3] = {"xlo xhi", "ylo yhi", "zlo zhi"};
  for (int a = 0; a < 3; ++a) out << exact(d.lower[a]) << ' ' << exact(d.upper[a]) << ' ' << axes[a] << '\n';
  if (!d.masses.empty()) {
    out << "\nMasses\n\n";
    for (int t = 0; t < d.types; ++t) out << t + 1 << ' ' << exact(d.masses[t]) << '\n';
  }
  out << "\nAtoms # " << d.style << "\n\n";
  for (std::size_t i = 0; i < n; ++i) {
    out << d.id[i] << ' ';
    if (d.style == "full") out << d.molecule[i] << ' ';
    out << d.type[i] << ' ';
    if (d.style != "atomic") out << exact(d.q[i]) << ' ';
    out << exact(d.x[i]) << ' ' << exact(d.y[i]) << ' ' << exact(d.z[i]) << '\n';
  }
  if (velocities) {
    out << "\nVelocities\n\n";
    for (std::size_t i = 0; i < n; ++i)
      out << d.id[i] << ' ' << exact(d.vx[i]) << ' ' << exact(d.vy[i]) << ' ' << exact(d.vz[i]) << '\n';
  }
  out.flush();
  if (!out) throw Error("cannot write LAMMPS data file " + path + ": " + std::generic_category().message(errno));
}

}  // namespace tessera::io
