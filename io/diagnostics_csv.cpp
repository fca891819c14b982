#include "io/diagnostics_csv.hpp"

#include <cerrno>
#include <cstring>

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
