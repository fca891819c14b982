// tessera_exact_riemann: the exact solution of a 1-D Riemann problem for the
// ideal-gas Euler equations (physics/riemann/exact.hpp, Toro 2009 ch. 4),
// sampled at the centres of a uniform grid, as CSV on stdout:
//
//   tessera_exact_riemann --left 1,0,1 --right 0.125,0,0.1 --gamma 1.4
//       --x0 0.5 --t 0.2 --cells 400 --lower 0 --upper 1
//   x,rho,u,p
//   0.00125,1,0,1
//   ...
//
// States are density, velocity, pressure. The validation suite
// (validation/run.py) uses it as the reference for shock-tube cases, so that
// the exact solver is the one the code base ships, not a second copy.
// Exit status 2 on a usage error.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "physics/riemann/exact.hpp"

namespace {

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "error: %s\n"
               "usage: tessera_exact_riemann --left RHO,U,P --right RHO,U,P [--gamma G] [--x0 X] --t T\n"
               "                             --cells N [--lower A] [--upper B]\n"
               "prints x,rho,u,p at the N cell centres of [A, B] (defaults: gamma 1.4, x0 0.5, [0, 1])\n",
               why.c_str());
  std::exit(2);
}

double number(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0') usage(flag + ": '" + text + "' is not a number");
  return v;
}

std::vector<double> triple(const std::string& flag, const std::string& text) {
  std::vector<double> v;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    v.push_back(number(flag, text.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (v.size() != 3) usage(flag + " takes three comma-separated values: density,velocity,pressure");
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<double> left, right;
  double gamma = 1.4, x0 = 0.5, t = -1.0, lower = 0.0, upper = 1.0;
  long cells = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "-h" || flag == "--help") usage("help requested");
    if (i + 1 >= argc) usage(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--left") left = triple(flag, value);
    else if (flag == "--right") right = triple(flag, value);
    else if (flag == "--gamma") gamma = number(flag, value);
    else if (flag == "--x0") x0 = number(flag, value);
    else if (flag == "--t") t = number(flag, value);
    else if (flag == "--cells") cells = static_cast<long>(number(flag, value));
    else if (flag == "--lower") lower = number(flag, value);
    else if (flag == "--upper") upper = number(flag, value);
    else usage("unknown option " + flag);
  }
  if (left.empty() || right.empty()) usage("--left and --right are required");
  if (!(t > 0.0)) usage("--t must be > 0");
  if (cells < 1) usage("--cells must be >= 1");
  if (!(gamma > 1.0)) usage("--gamma must be > 1");
  if (!(upper > lower)) usage("--upper must exceed --lower");
  if (left[0] < 0 || right[0] < 0 || left[2] < 0 || right[2] < 0) usage("densities and pressures must be >= 0");

  const tessera::hydro::ExactRiemann exact(left[0], left[1], left[2], right[0], right[1], right[2], gamma);
  const double dx = (upper - lower) / static_cast<double>(cells);
  std::printf("x,rho,u,p\n");
  for (long i = 0; i < cells; ++i) {
    const double x = lower + (static_cast<double>(i) + 0.5) * dx;
    double rho = 0.0, u = 0.0, p = 0.0;
    exact.sample((x - x0) / t, rho, u, p);
    std::printf("%.17g,%.17g,%.17g,%.17g\n", x, rho, u, p);
  }
  return 0;
}
