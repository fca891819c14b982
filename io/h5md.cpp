#include "io/h5md.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "tessera/build_info.hpp"

namespace tessera::io {

namespace {

using Dims = std::vector<std::uint64_t>;

const std::string kAll = "particles/all";

// Step, time and box edges grow by one short row per frame: small chunks keep
// parallel HDF5's early allocation from reserving megabytes for a few numbers.
const Dims kSeriesChunk{512};

void create_value(const h5::Location& element, std::int64_t n) {
  element.create_extendible_dataset("value", h5::Type::Float64, {0, static_cast<std::uint64_t>(n), 3});
}

}  // namespace

H5mdWriter::H5mdWriter(const std::filesystem::path& path, const std::array<double, 3>& lower,
                       const std::array<double, 3>& upper, const std::array<bool, 3>& periodic,
                       std::int64_t n_particles, const std::string& author)
    : file_(path.string(), h5::File::Mode::Create, true), n_(n_particles) {
  if (n_particles < 1) throw Error("H5MD trajectory " + path.string() + ": needs at least one particle");
  for (int d = 0; d < 3; ++d) edges_[d] = upper[d] - lower[d];

  h5::Location h5md = file_.create_group("h5md");
  h5md.set_attribute("version", std::vector<std::int64_t>{1, 1});
  h5md.create_group("author").set_attribute("name", author);
  h5::Location creator = h5md.create_group("creator");
  creator.set_attribute("name", "Tessera");
  creator.set_attribute("version", build::version);

  h5::Location all = file_.create_group("particles").create_group("all");
  h5::Location box = all.create_group("box");
  box.set_attribute("dimension", std::int64_t{3});
  std::vector<std::string> boundary;
  for (bool p : periodic) boundary.push_back(p ? "periodic" : "none");
  box.set_attribute("boundary", boundary);
  box.set_attribute("lower", std::vector<double>(lower.begin(), lower.end()));

  h5::Location position = all.create_group("position");
  position.create_extendible_dataset("step", h5::Type::Int64, {0}, kSeriesChunk);
  position.create_extendible_dataset("time", h5::Type::Float64, {0}, kSeriesChunk);
  create_value(position, n_);
  // H5MD requires the box's step and time to be the position's, as hard links.
  h5::Location edges = box.create_group("edges");
  edges.link("/" + kAll + "/position/step", "step");
  edges.link("/" + kAll + "/position/time", "time");
  edges.create_extendible_dataset("value", h5::Type::Float64, {0, 3}, {kSeriesChunk[0], 3});
}

void H5mdWriter::append(std::int64_t step, double time, const Particles& p, int velocity_column) {
  const std::size_t n = static_cast<std::size_t>(p.owned());
  std::vector<std::int64_t> ids = p.id_to_host();
  ids.resize(n);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });

  // Every check below is agreed on by all ranks before anything collective,
  // so a bad frame throws everywhere instead of leaving ranks waiting.
  std::string problem;
  for (std::size_t i = 0; i < n && problem.empty(); ++i) {
    const std::int64_t id = ids[order[i]];
    if (id < 0 || id >= n_)
      problem = strfmt("particle id %lld is outside 0 .. %lld", static_cast<long long>(id),
                       static_cast<long long>(n_ - 1));
    else if (i > 0 && id == ids[order[i - 1]])
      problem = strfmt("particle id %lld appears twice", static_cast<long long>(id));
  }
  if (problem.empty() && velocity_column >= 0 &&
      (velocity_column >= p.columns() || !p.is_real(velocity_column) || p.components(velocity_column) != 3))
    problem = strfmt("column %d is not a real 3-vector", velocity_column);
  const bool any_problem = collectives::any(!problem.empty());
  const std::int64_t total = collectives::sum(static_cast<std::int64_t>(n));
  const std::string frame = file_.path() + ": H5MD frame at step " + std::to_string(step) + ": ";
  if (any_problem) throw Error(frame + (problem.empty() ? "refused on another rank" : problem));
  if (total != n_)
    throw Error(frame + strfmt("the ranks hold %lld particles, the file was made for %lld",
                               static_cast<long long>(total), static_cast<long long>(n_)));
  if (frames_ > 0 && step <= last_step_)
    throw Error(frame + "step must increase (the previous frame was step " + std::to_string(last_step_) + ")");
  if (frames_ > 0 && (velocity_column >= 0) != has_velocity_)
    throw Error(frame + (has_velocity_ ? "the file has velocities; this frame gives none"
                                       : "the file was started without velocities"));

  h5::Location all = file_.open_group("particles").open_group("all");
  if (frames_ == 0) {
    has_velocity_ = velocity_column >= 0;
    if (has_velocity_) {
      h5::Location velocity = all.create_group("velocity");
      velocity.link("/" + kAll + "/position/step", "step");
      velocity.link("/" + kAll + "/position/time", "time");
      create_value(velocity, n_);
    }
  }

  std::vector<std::uint64_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = static_cast<std::uint64_t>(ids[order[i]]);
  auto by_id = [&](auto column_to_host) {
    std::vector<double> out(3 * n);
    for (int c = 0; c < 3; ++c) {
      const std::vector<double> v = column_to_host(c);
      for (std::size_t i = 0; i < n; ++i) out[3 * i + c] = v[order[i]];
    }
    return out;
  };

  const auto t = static_cast<std::uint64_t>(frames_), n_rows = static_cast<std::uint64_t>(n_);
  const bool root = collectives::rank() == 0;
  const Dims one{root ? 1u : 0u};

  h5::Dataset step_ds = all.open_dataset("position/step");  // also box/edges and velocity's
  step_ds.extend({t + 1});
  step_ds.write(&step, {t}, one);
  h5::Dataset time_ds = all.open_dataset("position/time");
  time_ds.extend({t + 1});
  time_ds.write(&time, {t}, one);
  h5::Dataset edges = all.open_dataset("box/edges/value");
  edges.extend({t + 1, 3});
  edges.write(edges_.data(), {t, 0}, {one[0], 3});

  h5::Dataset position = all.open_dataset("position/value");
  position.extend({t + 1, n_rows, 3});
  position.write_rows(by_id([&](int c) { return p.position_to_host(c); }).data(), {t}, rows);
  if (has_velocity_) {
    h5::Dataset velocity = all.open_dataset("velocity/value");
    velocity.extend({t + 1, n_rows, 3});
    velocity.write_rows(by_id([&](int c) { return p.real_to_host(velocity_column, c); }).data(), {t}, rows);
  }

  const int type_col = p.find_column("type");
  if (frames_ == 0 && type_col >= 0 && !p.is_real(type_col) && p.components(type_col) == 1) {
    const std::vector<std::int64_t> types = p.integer_to_host(type_col, 0);
    std::vector<std::int32_t> sorted(n);
    for (std::size_t i = 0; i < n; ++i) sorted[i] = static_cast<std::int32_t>(types[order[i]]);
    all.create_dataset("species", h5::Type::Int32, {n_rows}).write_rows(sorted.data(), {}, rows);
  }

  ++frames_;
  last_step_ = step;
}

void H5mdWriter::close() { file_.close(); }

}  // namespace tessera::io
