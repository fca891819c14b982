#pragma once
// Initial conditions of the nbody solvers, generated on the host for ALL bodies
// in one fixed order on every rank (each rank keeps its slice): the same
// seed gives bit-for-bit the same bodies at any rank count, centre-of-mass
// corrections included.
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::nbody {

struct Bodies {
  std::vector<double> x, y, z, vx, vy, vz, m;
  std::size_t size() const { return m.size(); }
  void resize(std::size_t n);
  void to_centre_of_mass_frame();
};

// Plummer sphere in Henon units (G = M = 1, E = -1/4, scale radius 3 pi/16),
// sampled as Aarseth, Henon & Wielen (1974) with the mass cut given.
Bodies plummer(std::int64_t n, std::uint64_t seed, double mass_cut);
// Uniform cold sphere of radius R, total mass 1, at rest.
Bodies cold_sphere(std::int64_t n, std::uint64_t seed, double radius);
// Two bodies on a Kepler orbit (semi-major axis a, eccentricity e), started
// at apocentre on the x axis, centre-of-mass frame.
Bodies kepler(double m1, double m2, double a, double e, double G);
// The Kepler period 2 pi sqrt(a^3 / (G M)).
double kepler_period(double m1, double m2, double a, double G);

// Two Plummer spheres (n/2 bodies and mass 1/2 each, Henon-unit shape,
// velocities scaled to their mass) whose centres start `separation` apart
// along x and `impact` apart along y, approaching on a parabolic orbit of
// point masses; centre-of-mass frame, total mass 1.
Bodies plummer_pair(std::int64_t n, std::uint64_t seed, double mass_cut, double separation, double impact);
// Hernquist (1990) sphere, G = M = 1, scale radius a, radii sampled to the
// enclosed mass fraction `mass_cut`;
// isotropic velocities drawn from the model's distribution function
// (Hernquist 1990, eq. 17), so the sphere starts in equilibrium.
Bodies hernquist(std::int64_t n, std::uint64_t seed, double mass_cut, double a);
// The fraction of bodies at radius r slower than v, from that distribution function.
double hernquist_speed_cdf(double v, double r, double a);
// The radius of a Hernquist sphere enclosing mass fraction q: a sqrt(q) / (1 - sqrt(q)).
double hernquist_lagrangian_radius(double q, double a);
// The isotropic one-dimensional velocity dispersion squared at r (G = M = 1).
double hernquist_dispersion2(double r, double a);

// Analytic Lagrangian radius of a Plummer sphere in Henon units enclosing
// mass fraction q (no mass cut): (3 pi/16) / sqrt(q^(-2/3) - 1).
double plummer_lagrangian_radius(double q);

}  // namespace tessera::nbody
