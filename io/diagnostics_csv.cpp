#include "io/diagnostics_csv.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include "runtime/error.hpp"

namespace tessera::io {

DiagnosticsCsv::DiagnosticsCsv(const std::filesystem::path& path, const std::vector<std::string>& names)
    : columns_(names.size()), path_(path) {
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) throw Error("cannot create " + path.string() + ": " + std::strerror(errno), "fopen");
  std::string header = "step,time,dt";
  for (const auto& n : names) header += "," + n;
  std::fprintf(file_, "%s\n", header.c_str());
  std::fflush(file_);
}

DiagnosticsCsv::DiagnosticsCsv(DiagnosticsCsv&& o) noexcept
    : file_(std::exchange(o.file_, nullptr)), columns_(o.columns_), path_(std::move(o.path_)) {}

DiagnosticsCsv DiagnosticsCsv::resume(const std::filesystem::path& path, const std::vector<std::string>& names,
                                      std::int64_t last_step) {
  std::ifstream in(path);
  std::string header = "step,time,dt";
  for (const auto& n : names) header += "," + n;
  std::string line, kept;
  if (!in || !std::getline(in, line)) throw Error("cannot resume " + path.string() + ": it is missing or empty");
  if (line != header)
    throw Error("cannot resume " + path.string() + ": its columns (" + line + ") are not this run's (" + header + ")");
  kept = line + "\n";
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (std::stoll(line.substr(0, line.find(','))) > last_step) break;
    kept += line + "\n";
  }
  in.close();
  DiagnosticsCsv csv;
  csv.columns_ = names.size();
  csv.path_ = path;
  csv.file_ = std::fopen(path.c_str(), "w");
  if (!csv.file_) throw Error("cannot rewrite " + path.string() + ": " + std::strerror(errno), "fopen");
  std::fputs(kept.c_str(), csv.file_);
  std::fflush(csv.file_);
  return csv;
}

DiagnosticsCsv::~DiagnosticsCsv() {
  if (file_) std::fclose(file_);
}

void DiagnosticsCsv::row(std::int64_t step, double time, double dt, const std::vector<double>& values) {
  if (!file_) return;
  TESSERA_REQUIRE(values.size() == columns_, "diagnostics changed their number of columns");
  std::fprintf(file_, "%lld,%.17g,%.17g", static_cast<long long>(step), time, dt);
  for (double v : values) std::fprintf(file_, ",%.17g", v);
  std::fputc('\n', file_);
  if (std::fflush(file_) != 0) throw Error("cannot write " + path_.string() + ": " + std::strerror(errno), "fflush");
}

}  // namespace tessera::io
