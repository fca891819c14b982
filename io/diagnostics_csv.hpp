#pragma once
// diagnostics.csv: a header row `step,time,dt,<names>`, then one row per
// diagnostic interval, flushed as written so a crashed run keeps its history.
// Values are printed with 17 significant digits (exact round trip).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace tessera::io {

class DiagnosticsCsv {
 public:
  DiagnosticsCsv() = default;
  DiagnosticsCsv(const std::filesystem::path& path, const std::vector<std::string>& names);
  // Continues an existing file after a restart: rows after `last_step` (written
  // by the interrupted run past its checkpoint) are dropped; the header must
  // name the same columns.
  static DiagnosticsCsv resume(const std::filesystem::path& path, const std::vector<std::string>& names,
                               std::int64_t last_step);
  DiagnosticsCsv(DiagnosticsCsv&& o) noexcept;
  ~DiagnosticsCsv();
  DiagnosticsCsv(const DiagnosticsCsv&) = delete;
  DiagnosticsCsv& operator=(const DiagnosticsCsv&) = delete;

  void row(std::int64_t step, double time, double dt, const std::vector<double>& values);
  bool is_open() const { return file_ != nullptr; }

 private:
  std::FILE* file_ = nullptr;
  std::size_t columns_ = 0;
  std::filesystem::path path_;
};

}  // namespace tessera::io
