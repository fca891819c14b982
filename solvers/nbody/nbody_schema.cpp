#include "solvers/nbody/nbody_schema.hpp"

namespace tessera::nbody {

deck::Schema nbody_schema() {
  using deck::ValueType;
  deck::Schema s;
  s.table("physics", "softened Newtonian gravity (N-body units G = M = 1 by default)");
  s.add("physics", "G", ValueType::Float).def(1.0).above(0).doc_("gravitational constant");
  s.add("physics", "softening", ValueType::String).def("plummer").one_of({"plummer", "spline"}).doc_(
      "Plummer softening, or GADGET's cubic spline (exactly Newtonian beyond 2.8 epsilon)");
  s.add("physics", "epsilon", ValueType::Float).def(0.015625).at_least(0).units("length").doc_(
      "softening length (Plummer-equivalent)");
  s.add("physics", "precision", ValueType::String).def("double").one_of({"double", "single"}).doc_(
      "pair arithmetic: single keeps double positions and accumulators");
  s.add("physics", "integrator", ValueType::String).def("leapfrog").one_of({"leapfrog", "hermite"}).doc_(
      "kick-drift-kick leapfrog, or 4th-order Hermite (Plummer softening, double) for collisional runs");
  s.add("physics", "eta", ValueType::Float).def(0.02).above(0).doc_(
      "adaptive global step dt = min sqrt(eta epsilon / |a|) when [run] dt is not set");

  s.table("problem", "initial conditions");
  s.add("problem", "type", ValueType::String).one_of({"plummer", "plummer_pair", "hernquist", "cold_sphere", "kepler", "file"}).doc_(
      "Plummer sphere (Henon units), two Plummer spheres on a collision orbit, Hernquist halo, uniform cold "
      "sphere, two-body Kepler orbit, or particles from HDF5");
  s.add("problem", "n", ValueType::Int).def(1024).at_least(1).when("type", {"plummer", "plummer_pair", "hernquist", "cold_sphere"}).doc_(
      "number of bodies");
  s.add("problem", "seed", ValueType::Int).def(1).at_least(0).when("type", {"plummer", "plummer_pair", "hernquist", "cold_sphere"}).doc_(
      "random seed (the same bodies at any rank count)");
  s.add("problem", "mass_cut", ValueType::Float).def(0.999).above(0).at_most(1).when("type", {"plummer", "plummer_pair", "hernquist"}).doc_(
      "largest enclosed mass fraction sampled (Aarseth, Henon & Wielen 1974)");
  s.add("problem", "separation", ValueType::Float).def(8.0).above(0).when("type", {"plummer_pair"}).units("length")
      .doc_("initial distance of the two centres along x");
  s.add("problem", "impact_parameter", ValueType::Float).def(0.0).at_least(0).when("type", {"plummer_pair"})
      .units("length").doc_("initial offset of the two centres along y (0: head-on)");
  s.add("problem", "scale_radius", ValueType::Float).def(1.0).above(0).when("type", {"hernquist"}).units("length")
      .doc_("Hernquist scale radius a (half the mass within (1 + sqrt 2) a)");
  s.add("problem", "virial_equilibrium", ValueType::Bool).def(false).when("type", {"plummer", "file"}).doc_(
      "rescale the velocities so that 2K/|W| = 1 exactly for this sample, as NBODY6's scaling to standard units "
      "does; removes the breathing of a finite sample");
  s.add("problem", "radius", ValueType::Float).def(1.0).above(0).when("type", {"cold_sphere"}).units("length").doc_(
      "sphere radius");
  s.add("problem", "masses", ValueType::FloatArray).def(std::vector<double>{0.5, 0.5}).len(2).above(0)
      .when("type", {"kepler"}).doc_("the two masses");
  s.add("problem", "semi_major_axis", ValueType::Float).def(1.0).above(0).when("type", {"kepler"}).units("length")
      .doc_("semi-major axis a");
  s.add("problem", "eccentricity", ValueType::Float).def(0.0).at_least(0).below(1).when("type", {"kepler"}).doc_(
      "eccentricity e (started at apocentre)");
  s.add("problem", "path", ValueType::String).when("type", {"file"}).doc_(
      "HDF5 particle snapshot to start from (Tessera or GADGET-4 layout)");

  // Narrows the driver's [output] format: the HDF5 snapshot may instead use
  // GADGET-4's layout ("tessera" is the older name of "hdf5").
  s.add("output", "format", ValueType::StringArray)
      .def(std::vector<std::string>{"hdf5"})
      .or_single()
      .one_of({"hdf5", "tessera", "gadget4", "vtkhdf"})
      .doc_("snapshot files: \"hdf5\" (or \"tessera\": Tessera's /particles, with the XDMF series), \"gadget4\" "
            "(the HDF5 snapshot in GADGET-4's /Header + /PartType1 layout instead), \"vtkhdf\" (VTK's HDF format "
            "with the series <name>.hdf.series), or a list (\"vtkhdf\" with one of the others)");
  return s;
}

deck::Schema nbody_tree_schema() {
  using deck::ValueType;
  deck::Schema s = nbody_schema();
  s.add("physics", "opening", ValueType::String).def("theta").one_of({"theta", "relative"}).doc_(
      "tree opening criterion: Barnes-Hut angle with the centre-of-mass offset, or GADGET's relative "
      "criterion against the last step's acceleration (the first force pass uses theta)");
  s.add("physics", "theta", ValueType::Float).def(0.5).at_least(0).at_most(1.5).doc_(
      "opening angle (0: every node opened, direct summation)");
  s.add("physics", "force_accuracy", ValueType::Float).def(0.0025).above(0).doc_(
      "relative criterion: accept a node when G M l^2 / r^4 <= force_accuracy |a_old|");
  s.add("physics", "quadrupole", ValueType::Bool).def(true).doc_("quadrupole moments (false: monopoles only)");
  s.add("physics", "leaf_size", ValueType::Int).def(16).at_least(1).at_most(1024).doc_(
      "most bodies in a tree leaf");
  s.add("physics", "group_size", ValueType::Int).def(32).at_least(1).at_most(1024).doc_(
      "bodies (consecutive in key order) that share one tree walk");
  s.add("physics", "tree_gpu_walk", ValueType::String).def("portable").one_of({"portable", "warp"}).doc_(
      "the tree walk on CUDA devices: \"portable\" (a thread per target, the reference) or \"warp\" (a warp "
      "walks a group cooperatively, 32 nodes at a time, as Bonsai does; needs group_size <= 32, else the "
      "portable walk runs). Same interactions, forces equal to round-off. Default \"portable\" until the warp "
      "walk's GPU comparison test and bench have run; the host backend ignores this key");
  return s;
}

std::vector<std::string> nbody_fields() { return {"velocity", "mass", "acceleration", "potential"}; }

}  // namespace tessera::nbody
