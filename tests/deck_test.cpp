#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "io/deck.hpp"
#include "io/schema.hpp"
#include "runtime/error.hpp"

namespace tessera::deck {
namespace {

using Strings = std::vector<std::string>;

// Every key has a default, so a deck may name only what a test is about.
Schema physics_schema() {
  Schema s;
  s.table("physics", "Hydrodynamics");
  s.add("physics", "cfl_number", ValueType::Float).def(0.8).range(0, 1).doc_("CFL number");
  s.add("physics", "gamma", ValueType::Float).def(1.4).above(1).doc_("Adiabatic index");
  s.add("physics", "riemann", ValueType::String).def("hllc").one_of({"hllc", "hlle", "roe"}).doc_("Riemann solver");
  s.add("physics", "gravity", ValueType::FloatArray).def(std::vector<double>{0, 0, 0}).len(3).units("m/s^2");
  s.add("physics", "dt", ValueType::Float).def(0.5).above(0).at_most(1);
  s.add("physics", "smoothing", ValueType::Float).def(0.0).below(1);
  s.table("output", "Snapshots");
  s.add("output", "every", ValueType::Int).def(10).above(0);
  s.add("output", "compress", ValueType::Bool).def(true);
  s.add("output", "fields", ValueType::StringArray).def(Strings{"rho"}).one_of({"rho", "u", "p"});
  s.add("output", "prefix", ValueType::String).def("snap");
  return s;
}

// A solver-like schema with required keys, sub-tables and conditional keys.
Schema hydro_schema() {
  Schema s;
  s.table("run", "Run control");
  s.add("run", "solver", ValueType::String).one_of({"euler", "advection"});
  s.add("run", "steps", ValueType::Int).def(100).at_least(0);
  s.add("run", "t_end", ValueType::Float).make_optional().above(0).units("s");
  s.merge(physics_schema());
  s.table("grid", "Cartesian grid");
  s.add("grid", "cells", ValueType::IntArray).len(3).at_least(1);
  s.table("problem", "Initial condition");
  s.add("problem", "type", ValueType::String).one_of({"shock_tube", "sedov", "blast"});
  s.add("problem", "energy", ValueType::Float).above(0).units("J").when("type", {"sedov"});
  s.add("problem", "radius", ValueType::Float).def(0.1).when("type", {"sedov", "blast"});
  s.table("problem.left", "Left state");
  s.add("problem.left", "density", ValueType::Float).above(0);
  s.add("problem.left", "pressure", ValueType::Float).def(1);
  s.table("problem.right", "Right state");
  s.add("problem.right", "density", ValueType::Float).def(0.125).above(0);
  return s;
}

const char* const kSod = R"([run]
solver = "euler"
steps = 200

[physics]
cfl_number = 0.5
gamma = 2

[grid]
cells = [64, 1, 1]

[problem]
type = "shock_tube"
left = { density = 1.0 }
)";

Deck validate(const std::string& text, const Schema& schema, const Strings& overrides = {},
              ValidateOptions opt = {}) {
  return Deck::validate(RawDeck::parse_string(text, "t.toml", overrides), schema, opt);
}

// The problems validation reports; empty when the deck is valid.
Strings problems(const std::string& text, const Schema& schema, const Strings& overrides = {},
                 ValidateOptions opt = {}) {
  try {
    validate(text, schema, overrides, opt);
  } catch (const InputError& e) {
    return e.problems();
  }
  return {};
}

// Internal misuse must surface as tessera::Error, never as a user-facing InputError.
void expect_internal_error(const std::function<void()>& f) {
  try {
    f();
    ADD_FAILURE() << "no exception";
  } catch (const InputError& e) {
    ADD_FAILURE() << "InputError instead of Error: " << e.what();
  } catch (const Error&) {
  }
}

// ---------------------------------------------------------------- nearest

TEST(Nearest, FindsTyposIncludingTranspositions) {
  EXPECT_EQ(nearest("cfl_numbr", {"gamma", "cfl_number", "riemann"}), "cfl_number");
  EXPECT_EQ(nearest("phisics", {"run", "physics", "grid"}), "physics");
  EXPECT_EQ(nearest("hlcc", {"hllc", "hlle", "roe"}), "hllc");
  EXPECT_EQ(nearest("stpes", {"solver", "steps"}), "steps");
}

TEST(Nearest, IsCaseInsensitive) { EXPECT_EQ(nearest("CFL_Number", {"cfl_number"}), "cfl_number"); }

TEST(Nearest, RejectsDistantNames) {
  EXPECT_EQ(nearest("xyz", {"physics"}), std::nullopt);
  EXPECT_EQ(nearest("exact", {"hllc", "hlle", "roe"}), std::nullopt);
  EXPECT_EQ(nearest("abc", {}), std::nullopt);
}

TEST(Nearest, ThresholdIsAThirdOfTheLength) {
  // len 6 -> 2 edits allowed, 3 are too many.
  EXPECT_EQ(nearest("abcdef", {"abcdXY"}), "abcdXY");
  EXPECT_EQ(nearest("abcdef", {"abcXYZ"}), std::nullopt);
}

TEST(Nearest, TiesGoToTheFirstCandidate) {
  EXPECT_EQ(nearest("ab", {"xb", "ax"}), "xb");
  EXPECT_EQ(nearest("ab", {"ax", "xb"}), "ax");
}

// ---------------------------------------------------------------- values and schema

TEST(Values, DescribeNamesEveryType) {
  EXPECT_EQ(describe(ValueType::Bool), "a bool");
  EXPECT_EQ(describe(ValueType::Int), "an integer");
  EXPECT_EQ(describe(ValueType::Float), "a float");
  EXPECT_EQ(describe(ValueType::String), "a string");
  EXPECT_EQ(describe(ValueType::IntArray), "an array of integers");
  EXPECT_EQ(describe(ValueType::FloatArray), "an array of floats");
  EXPECT_EQ(describe(ValueType::StringArray), "an array of strings");
}

TEST(Values, ToStringWritesTomlText) {
  EXPECT_EQ(to_string(Value(true)), "true");
  EXPECT_EQ(to_string(Value(std::int64_t{-3})), "-3");
  EXPECT_EQ(to_string(Value(0.5)), "0.5");
  EXPECT_EQ(to_string(Value(1.0)), "1.0");
  EXPECT_EQ(to_string(Value(1e-12)), "1e-12");
  EXPECT_EQ(to_string(Value(std::string("hllc"))), "\"hllc\"");
  EXPECT_EQ(to_string(Value(std::string("a\"b\\c\n\t\x01"))), "\"a\\\"b\\\\c\\n\\t\\u0001\"");
  EXPECT_EQ(to_string(Value(std::vector<std::int64_t>{1, 2, 3})), "[1, 2, 3]");
  EXPECT_EQ(to_string(Value(std::vector<double>{0.5, 2})), "[0.5, 2.0]");
  EXPECT_EQ(to_string(Value(Strings{"a", "b"})), "[\"a\", \"b\"]");
  EXPECT_EQ(to_string(Value(std::vector<double>{})), "[]");
}

TEST(Schema, DefaultsKeepTheirType) {
  Schema s;
  EXPECT_EQ(s.add("t", "f", ValueType::Float).def(0.8).default_value, Value(0.8));
  EXPECT_EQ(s.add("t", "b", ValueType::Bool).def(true).default_value, Value(true));
  EXPECT_EQ(s.add("t", "i", ValueType::Int).def(3).default_value, Value(std::int64_t{3}));
  EXPECT_EQ(s.add("t", "s", ValueType::String).def("x").default_value, Value(std::string("x")));
}

TEST(Schema, AddDeclaresTablesAndReplacesKeysInPlace) {
  Schema s;
  s.add("run", "steps", ValueType::Int).def(1);
  s.add("run", "solver", ValueType::String);
  s.table("physics", "Hydro");
  s.add("run", "steps", ValueType::Int).def(5).doc_("narrowed");
  EXPECT_EQ(s.table_names(), (Strings{"run", "physics"}));
  EXPECT_TRUE(s.has_table("run"));
  EXPECT_EQ(s.table_spec("run")->doc, "");
  EXPECT_EQ(s.table_spec("physics")->doc, "Hydro");
  auto keys = s.keys_of("run");
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0]->key, "steps");
  EXPECT_EQ(keys[0]->default_value, Value(std::int64_t{5}));
  EXPECT_EQ(keys[0]->doc, "narrowed");
  EXPECT_EQ(keys[1]->key, "solver");
  EXPECT_TRUE(keys[1]->required());
  EXPECT_EQ(s.find("run", "nope"), nullptr);
  EXPECT_FALSE(s.has_table("nope"));
}

TEST(Schema, MergeAddsTablesAndLaterWins) {
  Schema driver;
  driver.table("run", "Run control");
  driver.add("run", "steps", ValueType::Int).def(100);
  Schema solver;
  solver.add("run", "steps", ValueType::Int).def(7);
  solver.table("physics", "Hydro");
  solver.add("physics", "gamma", ValueType::Float).def(1.4);
  driver.merge(solver);
  EXPECT_EQ(driver.table_names(), (Strings{"run", "physics"}));
  EXPECT_EQ(driver.table_spec("run")->doc, "Run control");  // an undocumented re-declaration keeps the doc
  EXPECT_EQ(driver.find("run", "steps")->default_value, Value(std::int64_t{7}));
  EXPECT_EQ(driver.keys_of("run").size(), 1u);
  EXPECT_EQ(driver.find("physics", "gamma")->default_value, Value(1.4));
}

// ---------------------------------------------------------------- a valid deck

TEST(Deck, GettersReturnFileValuesAndDefaults) {
  Deck d = validate(kSod, hydro_schema());
  EXPECT_EQ(d.string("run.solver"), "euler");
  EXPECT_EQ(d.integer("run.steps"), 200);
  EXPECT_EQ(d.real("physics.cfl_number"), 0.5);
  EXPECT_EQ(d.real("physics.gamma"), 2.0);  // integer accepted for a float
  EXPECT_EQ(d.real("run.steps"), 200.0);    // real() reads integer keys too
  EXPECT_EQ(d.string("physics.riemann"), "hllc");
  EXPECT_EQ(d.reals("physics.gravity"), (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(d.integers("grid.cells"), (std::vector<std::int64_t>{64, 1, 1}));
  EXPECT_EQ(d.reals("grid.cells"), (std::vector<double>{64, 1, 1}));
  EXPECT_EQ(d.strings("output.fields"), (Strings{"rho"}));
  EXPECT_TRUE(d.boolean("output.compress"));
  EXPECT_EQ(d.string("problem.type"), "shock_tube");
  EXPECT_EQ(d.real("problem.left.density"), 1.0);
  EXPECT_EQ(d.real("problem.left.pressure"), 1.0);  // .def(1) on a float key
  EXPECT_EQ(d.real("problem.right.density"), 0.125);
  EXPECT_EQ(d.source_name(), "t.toml");
  EXPECT_NE(d.schema().find("run", "steps"), nullptr);
}

TEST(Deck, HasIsFalseOnlyForAbsentOptionalAndInactiveKeys) {
  Deck d = validate(kSod, hydro_schema());
  EXPECT_TRUE(d.has("run.steps"));
  EXPECT_TRUE(d.has("physics.riemann"));
  EXPECT_FALSE(d.has("run.t_end"));
  EXPECT_FALSE(d.has("problem.energy"));
  EXPECT_FALSE(d.has("problem.radius"));
}

TEST(Deck, LocationsNameFileValueDefaultAndOverride) {
  Deck d = validate(kSod, hydro_schema(), {"physics.riemann=roe"});
  EXPECT_EQ(d.location("run.steps"), "t.toml:3:9");
  EXPECT_EQ(d.location("physics.cfl_number"), "t.toml:6:14");
  EXPECT_EQ(d.location("problem.left.density"), "t.toml:14:20");
  EXPECT_EQ(d.location("physics.gamma"), "t.toml:7:9");
  EXPECT_EQ(d.location("physics.dt"), "default");
  EXPECT_EQ(d.location("physics.riemann"), "--set physics.riemann=roe");
}

TEST(Deck, ErrorAtIsWordedLikeValidation) {
  Deck d = validate(kSod, hydro_schema(), {"physics.riemann=roe"});
  EXPECT_EQ(d.error_at("run.steps", "must be even").problems(),
            (Strings{"key 'steps' in [run] at t.toml:3:9: must be even"}));
  EXPECT_EQ(d.error_at("physics.dt", "too big for this grid").problems(),
            (Strings{"key 'dt' in [physics] (default): too big for this grid"}));
  EXPECT_EQ(d.error_at("physics.riemann", "needs gamma < 2").problems(),
            (Strings{"bad --set 'physics.riemann=roe': needs gamma < 2"}));
  EXPECT_EQ(std::string(d.error_at("run.steps", "odd").what()), "key 'steps' in [run] at t.toml:3:9: odd");
}

TEST(Deck, MisuseOfGettersIsAnInternalError) {
  Deck d = validate(kSod, hydro_schema());
  expect_internal_error([&] { d.integer("physics.cfl_number"); });
  expect_internal_error([&] { d.string("run.steps"); });
  expect_internal_error([&] { d.real("run.nope"); });
  expect_internal_error([&] { d.has("nope.steps"); });
  expect_internal_error([&] { d.boolean("steps"); });
  expect_internal_error([&] { d.integers("physics.gravity"); });
  expect_internal_error([&] { d.real("run.t_end"); });         // optional, absent
  expect_internal_error([&] { d.real("problem.radius"); });    // inactive
  expect_internal_error([&] { d.location("run.nope"); });
  expect_internal_error([&] { d.error_at("run.nope", "x"); });
}

TEST(Deck, CopiesAreIndependent) {
  std::optional<Deck> original = validate(kSod, hydro_schema());
  Deck copy = *original;
  Deck assigned = validate("", physics_schema());
  assigned = copy;
  original.reset();
  EXPECT_EQ(copy.integer("run.steps"), 200);
  EXPECT_EQ(assigned.location("run.steps"), "t.toml:3:9");
}

TEST(Deck, DottedKeysAndInlineTablesAreWalkedLikeTables) {
  Deck d = validate("physics.cfl_number = 0.25\noutput = { every = 3 }\n", physics_schema());
  EXPECT_EQ(d.real("physics.cfl_number"), 0.25);
  EXPECT_EQ(d.location("physics.cfl_number"), "t.toml:1:22");
  EXPECT_EQ(d.integer("output.every"), 3);
}

// ---------------------------------------------------------------- parsing

struct TempDeck {
  std::filesystem::path dir;
  std::string path;
  explicit TempDeck(const std::string& text) {
    dir = std::filesystem::path(testing::TempDir()) / "tessera_deck_test" / "sub dir";
    std::filesystem::create_directories(dir);
    path = (dir / "sod.toml").string();
    std::ofstream(path) << text;
  }
  ~TempDeck() { std::filesystem::remove(path); }
};

TEST(Parse, SyntaxErrorNamesTheFileAsGiven) {
  TempDeck f("[run]\nsteps = 3\nsolver = = 1\n");
  try {
    RawDeck::parse_file(f.path);
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_EQ(e.problems(),
              (Strings{"syntax error at " + f.path + ":3:10: Error while parsing value: could not determine value type"}));
  }
}

TEST(Parse, DuplicateKeyIsASyntaxError) {
  try {
    RawDeck::parse_string("[run]\nsteps = 1\nsteps = 2\n", "t.toml");
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_EQ(e.problems(),
              (Strings{"syntax error at t.toml:3:9: Error while parsing key-value pair: cannot redefine existing integer "
                       "'steps'"}));
  }
}

TEST(Parse, FilePositionsUseThePathAsGiven) {
  TempDeck f("[physics]\ncfl_number = 2\n");
  try {
    Deck::validate(RawDeck::parse_file(f.path), physics_schema());
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_EQ(e.problems(),
              (Strings{"key 'cfl_number' in [physics] at " + f.path + ":2:14: value 2 is out of range [0, 1]"}));
  }
  Deck d = Deck::validate(RawDeck::parse_file(f.path, {"physics.cfl_number=1"}), physics_schema());
  EXPECT_EQ(d.source_name(), f.path);
}

TEST(Parse, MissingFileIsAnInputError) {
  try {
    RawDeck::parse_file("/nonexistent/dir/sod.toml");
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_EQ(e.problems(), (Strings{"cannot read deck /nonexistent/dir/sod.toml: No such file or directory"}));
  }
}

TEST(Parse, PeekStringSeesFileAndOverrides) {
  auto raw = RawDeck::parse_string(kSod, "sod.toml");
  EXPECT_EQ(raw.source_name(), "sod.toml");
  EXPECT_EQ(raw.peek_string("run.solver"), "euler");
  EXPECT_EQ(raw.peek_string("problem.type"), "shock_tube");
  EXPECT_EQ(raw.peek_string("run.steps"), std::nullopt);  // not a string
  EXPECT_EQ(raw.peek_string("run.nope"), std::nullopt);
  EXPECT_EQ(raw.peek_string("nope.solver"), std::nullopt);
  auto overridden = RawDeck::parse_string(kSod, "sod.toml", {"run.solver=advection", "grid.kind=amr"});
  EXPECT_EQ(overridden.peek_string("run.solver"), "advection");
  EXPECT_EQ(overridden.peek_string("grid.kind"), "amr");
}

// ---------------------------------------------------------------- problems

TEST(Validate, ReportsEveryProblemInFileOrder) {
  const char* text = R"([run]
stpes = 3
steps = -1
[phisics]
x = 1
[physics]
cfl_number = 1.5
riemann = "hlcc"
gamma = "abc"
gravity = [0, -1]
[grid]
cells = [4, 0, 2.5]
[problem.lft]
[problem]
type = "shock_tube"
energy = 1
left = { density = -1 }
)";
  auto got = problems(text, hydro_schema(),
                      {"physics.cfl_numbr=0.5", "physicscfl", R"(output.fields=["rho", "pressure"])"});
  Strings want = {
      "unknown key 'stpes' in [run] at t.toml:2:1; did you mean 'steps'?",
      "key 'steps' in [run] at t.toml:3:9: value -1 must be >= 0",
      "unknown table [phisics] at t.toml:4:1; did you mean [physics]?",
      "key 'cfl_number' in [physics] at t.toml:7:14: value 1.5 is out of range [0, 1]",
      "key 'riemann' in [physics] at t.toml:8:11: 'hlcc' is not one of 'hllc', 'hlle', 'roe'; did you mean 'hllc'?",
      "key 'gamma' in [physics] at t.toml:9:9: expected a float, got a string (\"abc\")",
      "key 'gravity' in [physics] at t.toml:10:11: expected an array of 3 floats, got 2 elements",
      "key 'cells' in [grid] at t.toml:12:16: expected an array of 3 integers, but element 3 is a float (2.5)",
      "unknown table [problem.lft] at t.toml:13:1; did you mean [problem.left]?",
      "key 'energy' in [problem] at t.toml:16:1 applies only when type is 'sedov' (type is 'shock_tube')",
      "key 'density' in [problem.left] at t.toml:17:20: value -1 must be > 0",
      "bad --set 'physics.cfl_numbr=0.5': unknown key 'cfl_numbr' in [physics]; did you mean 'cfl_number'?",
      "bad --set 'physicscfl': expected table.key=value",
      "bad --set 'output.fields=[\"rho\", \"pressure\"]': element 2 ('pressure') is not one of 'rho', 'u', 'p'",
      "missing required key 'solver' in [run] at t.toml:1:1",
  };
  EXPECT_EQ(got, want);
}

TEST(Validate, InputErrorWhatListsOneProblemPerLine) {
  try {
    validate("[physics]\ncfl = 1\ngama = 2\n", physics_schema());
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "unknown key 'cfl' in [physics] at t.toml:2:1\n"
              "unknown key 'gama' in [physics] at t.toml:3:1; did you mean 'gamma'?");
  }
}

TEST(Validate, UnknownTables) {
  EXPECT_EQ(problems("[phisics]\ncfl_number = 0.5\n", physics_schema()),
            (Strings{"unknown table [phisics] at t.toml:1:1; did you mean [physics]?"}));
  EXPECT_EQ(problems("[physics]\n[xyz]\n", physics_schema()), (Strings{"unknown table [xyz] at t.toml:2:1"}));
  EXPECT_EQ(problems("[physics.sub]\nx = 1\n", physics_schema()), (Strings{"unknown table [physics.sub] at t.toml:1:1"}));
  EXPECT_EQ(problems("[[outputs]]\nevery = 1\n", physics_schema()),
            (Strings{"unknown table [[outputs]] at t.toml:1:1; did you mean [output]?"}));
  EXPECT_EQ(problems("physics = 3\n", physics_schema()), (Strings{"[physics] at t.toml:1:11 must be a table, got an integer (3)"}));
}

TEST(Validate, UnknownSubTablesAreNamedDotted) {
  const char* text = R"([run]
solver = "euler"
[grid]
cells = [1, 1, 1]
[problem]
type = "shock_tube"
lft = { density = 1 }
[problem.left]
density = 1
[problem.rigth]
density = 1
)";
  EXPECT_EQ(problems(text, hydro_schema()),
            (Strings{"unknown table [problem.lft] at t.toml:7:1; did you mean [problem.left]?",
                     "unknown table [problem.rigth] at t.toml:10:1; did you mean [problem.right]?"}));
}

TEST(Validate, IgnoreUnknownTablesStillChecksKnownTables) {
  ValidateOptions opt;
  opt.ignore_unknown_tables = true;
  EXPECT_EQ(problems("[solver_stuff]\nx = 1\n[physics]\ncfl_numbr = 0.5\n", physics_schema(), {"hydro.x=1"}, opt),
            (Strings{"unknown key 'cfl_numbr' in [physics] at t.toml:4:1; did you mean 'cfl_number'?"}));
  Deck d = validate("[solver_stuff]\nx = 1\n", physics_schema(), {}, opt);
  EXPECT_EQ(d.real("physics.cfl_number"), 0.8);
}

TEST(Validate, UnknownKeys) {
  EXPECT_EQ(problems("[physics]\n\ncfl_numbr = 0.5\n", physics_schema()),
            (Strings{"unknown key 'cfl_numbr' in [physics] at t.toml:3:1; did you mean 'cfl_number'?"}));
  EXPECT_EQ(problems("[physics]\n  zzz = 1\n", physics_schema()), (Strings{"unknown key 'zzz' in [physics] at t.toml:2:3"}));
  EXPECT_EQ(problems("cfl_number = 1\n", physics_schema()),
            (Strings{"unknown key 'cfl_number' outside any table at t.toml:1:1"}));
  EXPECT_EQ(problems("[output]\nevery = 1\n[physics]\ngamma = 2\nrieman = 'roe'\n", physics_schema()),
            (Strings{"unknown key 'rieman' in [physics] at t.toml:5:1; did you mean 'riemann'?"}));
}

TEST(Validate, UnknownKeysInInlineSubTables) {
  const char* text = R"([run]
solver = "euler"
[grid]
cells = [1, 1, 1]
[problem]
type = "shock_tube"
left = { density = 1, densty = 2 }
)";
  EXPECT_EQ(problems(text, hydro_schema()),
            (Strings{"unknown key 'densty' in [problem.left] at t.toml:7:23; did you mean 'density'?"}));
}

TEST(Validate, WrongTypes) {
  EXPECT_EQ(problems("[physics]\ncfl_number = \"abc\"\n", physics_schema()),
            (Strings{"key 'cfl_number' in [physics] at t.toml:2:14: expected a float, got a string (\"abc\")"}));
  EXPECT_EQ(problems("[output]\nevery = 2.5\n", physics_schema()),
            (Strings{"key 'every' in [output] at t.toml:2:9: expected an integer, got a float (2.5)"}));
  EXPECT_EQ(problems("[output]\ncompress = 1\n", physics_schema()),
            (Strings{"key 'compress' in [output] at t.toml:2:12: expected a bool, got an integer (1)"}));
  EXPECT_EQ(problems("[output]\nprefix = false\n", physics_schema()),
            (Strings{"key 'prefix' in [output] at t.toml:2:10: expected a string, got a bool (false)"}));
  EXPECT_EQ(problems("[output]\nprefix = 1979-05-27\n", physics_schema()),
            (Strings{"key 'prefix' in [output] at t.toml:2:10: expected a string, got a date (1979-05-27)"}));
  EXPECT_EQ(problems("[physics]\ngravity = { x = 1 }\n", physics_schema()),
            (Strings{"key 'gravity' in [physics] at t.toml:2:11: expected an array of 3 floats, got a table"}));
  EXPECT_EQ(problems("[physics]\ngravity = 1.5\n", physics_schema()),
            (Strings{"key 'gravity' in [physics] at t.toml:2:11: expected an array of 3 floats, got a float (1.5)"}));
  EXPECT_EQ(problems("[physics]\nriemann = ['hllc']\n", physics_schema()),
            (Strings{"key 'riemann' in [physics] at t.toml:2:11: expected a string, got an array"}));
}

// [output] format = "vtkhdf" as well as ["hdf5", "vtkhdf"]: where a key allows
// it, a lone element is a one-element array, checked like an element.
TEST(Validate, ALoneElementStandsForAOneElementArrayWhereAllowed) {
  Schema s;
  s.add("output", "format", ValueType::StringArray).def(Strings{"hdf5"}).or_single().one_of({"hdf5", "vtkhdf"});
  auto formats = [&](const std::string& text) {
    return Deck::validate(RawDeck::parse_string(text, "t.toml"), s).strings("output.format");
  };
  EXPECT_EQ(formats("[output]\nformat = \"vtkhdf\"\n"), (Strings{"vtkhdf"}));
  EXPECT_EQ(formats("[output]\nformat = [\"hdf5\", \"vtkhdf\"]\n"), (Strings{"hdf5", "vtkhdf"}));
  EXPECT_EQ(formats(""), (Strings{"hdf5"}));
  EXPECT_EQ(problems("[output]\nformat = \"vtk\"\n", s),
            (Strings{"key 'format' in [output] at t.toml:2:10: 'vtk' is not one of 'hdf5', 'vtkhdf'"}));
  EXPECT_EQ(problems("[output]\nformat = 1\n", s),
            (Strings{"key 'format' in [output] at t.toml:2:10: expected a string or an array of strings, got an integer (1)"}));
  // Elsewhere a lone element stays an error.
  EXPECT_EQ(problems("[output]\nfields = \"rho\"\n", physics_schema()),
            (Strings{"key 'fields' in [output] at t.toml:2:10: expected an array of strings, got a string (\"rho\")"}));
}

TEST(Validate, ArraysMustBeHomogeneousOfTheElementType) {
  EXPECT_EQ(problems("[physics]\ngravity = [0, \"a\", 1, true]\n", physics_schema()),
            (Strings{"key 'gravity' in [physics] at t.toml:2:15: expected an array of 3 floats, but element 2 is a "
                     "string (\"a\")",
                     "key 'gravity' in [physics] at t.toml:2:23: expected an array of 3 floats, but element 4 is a "
                     "bool (true)"}));
  EXPECT_EQ(problems("[output]\nfields = ['rho', 1]\n", physics_schema()),
            (Strings{"key 'fields' in [output] at t.toml:2:18: expected an array of strings, but element 2 is an "
                     "integer (1)"}));
  EXPECT_EQ(problems("[physics]\ngravity = [1]\n", physics_schema()),
            (Strings{"key 'gravity' in [physics] at t.toml:2:11: expected an array of 3 floats, got 1 element"}));
  Deck d = validate("[physics]\ngravity = [0, 0.5, -9]\n[output]\nfields = []\n", physics_schema());
  EXPECT_EQ(d.reals("physics.gravity"), (std::vector<double>{0, 0.5, -9}));
  EXPECT_EQ(d.strings("output.fields"), Strings{});
}

TEST(Validate, Ranges) {
  EXPECT_EQ(problems("[physics]\ncfl_number = 1.5\n", physics_schema()),
            (Strings{"key 'cfl_number' in [physics] at t.toml:2:14: value 1.5 is out of range [0, 1]"}));
  EXPECT_EQ(problems("[physics]\ndt = 0\n", physics_schema()),
            (Strings{"key 'dt' in [physics] at t.toml:2:6: value 0 is out of range (0, 1]"}));
  EXPECT_EQ(problems("[physics]\ngamma = 1.0\n", physics_schema()),
            (Strings{"key 'gamma' in [physics] at t.toml:2:9: value 1.0 must be > 1"}));
  EXPECT_EQ(problems("[physics]\nsmoothing = 1\n", physics_schema()),
            (Strings{"key 'smoothing' in [physics] at t.toml:2:13: value 1 must be < 1"}));
  EXPECT_EQ(problems("[physics]\ncfl_number = nan\n", physics_schema()),
            (Strings{"key 'cfl_number' in [physics] at t.toml:2:14: value nan is out of range [0, 1]"}));
  Deck d = validate("[physics]\ncfl_number = 1\ndt = 1\n", physics_schema());  // inclusive ends
  EXPECT_EQ(d.real("physics.cfl_number"), 1.0);
}

TEST(Validate, ArrayElementsAreRangeChecked) {
  const char* text = R"([run]
solver = "euler"
[grid]
cells = [4, 0, -1]
[problem]
type = "shock_tube"
left = { density = 1 }
)";
  EXPECT_EQ(problems(text, hydro_schema()),
            (Strings{"key 'cells' in [grid] at t.toml:4:13: element 2 (value 0) must be >= 1",
                     "key 'cells' in [grid] at t.toml:4:16: element 3 (value -1) must be >= 1"}));
}

TEST(Validate, Choices) {
  EXPECT_EQ(problems("[physics]\nriemann = \"hlcc\"\n", physics_schema()),
            (Strings{"key 'riemann' in [physics] at t.toml:2:11: 'hlcc' is not one of 'hllc', 'hlle', 'roe'; did you "
                     "mean 'hllc'?"}));
  EXPECT_EQ(problems("[physics]\nriemann = \"exact\"\n", physics_schema()),
            (Strings{"key 'riemann' in [physics] at t.toml:2:11: 'exact' is not one of 'hllc', 'hlle', 'roe'"}));
  EXPECT_EQ(problems("[output]\nfields = ['rho', 'rhp']\n", physics_schema()),
            (Strings{"key 'fields' in [output] at t.toml:2:18: element 2 ('rhp') is not one of 'rho', 'u', 'p'; did "
                     "you mean 'rho'?"}));
}

TEST(Validate, MissingRequiredKeys) {
  EXPECT_EQ(problems("[run]\nsteps = 3\n[problem]\ntype = 'blast'\n[problem.left]\ndensity = 1\n", hydro_schema()),
            (Strings{"missing required key 'solver' in [run] at t.toml:1:1",
                     "missing required key 'cells' in [grid] (table [grid] is absent from t.toml)"}));
  EXPECT_EQ(problems("", hydro_schema()),
            (Strings{"missing required key 'solver' in [run] (table [run] is absent from t.toml)",
                     "missing required key 'cells' in [grid] (table [grid] is absent from t.toml)",
                     "missing required key 'type' in [problem] (table [problem] is absent from t.toml)",
                     "missing required key 'density' in [problem.left] (table [problem.left] is absent from t.toml)"}));
}

TEST(Validate, MissingKeysComeAfterFileAndOverrideProblems) {
  EXPECT_EQ(problems("[grid]\ncells = [1, 1, 1]\n[problem]\ntype = 'blast'\nleft.density = 1\nsteps = 1\n",
                     hydro_schema(), {"run.steps=x"}),
            (Strings{"unknown key 'steps' in [problem] at t.toml:6:1",
                     "bad --set 'run.steps=x': expected an integer, got a string (\"x\")",
                     "missing required key 'solver' in [run] (table [run] is absent from t.toml)"}));
}

// ---------------------------------------------------------------- conditional keys

const char* const kProblemHead = R"([run]
solver = "euler"
[grid]
cells = [8, 8, 8]
[problem]
left = { density = 1 }
)";

TEST(Conditional, KeyOutsideItsConditionIsAProblem) {
  std::string text = std::string(kProblemHead) + "type = 'shock_tube'\nenergy = 1\nradius = 0.2\n";
  EXPECT_EQ(problems(text, hydro_schema()),
            (Strings{"key 'energy' in [problem] at t.toml:8:1 applies only when type is 'sedov' (type is 'shock_tube')",
                     "key 'radius' in [problem] at t.toml:9:1 applies only when type is one of 'sedov', 'blast' (type "
                     "is 'shock_tube')"}));
}

TEST(Conditional, RequiredOnlyWhenTheConditionHolds) {
  EXPECT_EQ(problems(std::string(kProblemHead) + "type = 'sedov'\n", hydro_schema()),
            (Strings{"missing required key 'energy' in [problem] at t.toml:5:1"}));
  Deck shock = validate(std::string(kProblemHead) + "type = 'shock_tube'\n", hydro_schema());
  EXPECT_FALSE(shock.has("problem.energy"));
}

TEST(Conditional, DefaultsFilledOnlyWhenTheConditionHolds) {
  Deck sedov = validate(std::string(kProblemHead) + "type = 'sedov'\nenergy = 2\n", hydro_schema());
  EXPECT_EQ(sedov.real("problem.energy"), 2.0);
  EXPECT_TRUE(sedov.has("problem.radius"));
  EXPECT_EQ(sedov.real("problem.radius"), 0.1);
  EXPECT_EQ(sedov.location("problem.radius"), "default");

  Deck blast = validate(std::string(kProblemHead) + "type = 'blast'\nradius = 0.3\n", hydro_schema());
  EXPECT_EQ(blast.real("problem.radius"), 0.3);
  EXPECT_FALSE(blast.has("problem.energy"));

  Deck shock = validate(std::string(kProblemHead) + "type = 'shock_tube'\n", hydro_schema());
  EXPECT_FALSE(shock.has("problem.radius"));
}

TEST(Conditional, OverridesCountForTheConditionAndAreChecked) {
  std::string text = std::string(kProblemHead) + "type = 'shock_tube'\n";
  Deck d = validate(text, hydro_schema(), {"problem.type=sedov", "problem.energy=5"});
  EXPECT_EQ(d.real("problem.energy"), 5.0);
  EXPECT_EQ(problems(text, hydro_schema(), {"problem.energy=1"}),
            (Strings{"bad --set 'problem.energy=1': key 'energy' in [problem] applies only when type is 'sedov' (type "
                     "is 'shock_tube')"}));
}

TEST(Conditional, BrokenControllingKeyIsReportedOnce) {
  std::string text = std::string(kProblemHead) + "type = 'sedv'\nenergy = 1\n";
  EXPECT_EQ(problems(text, hydro_schema()),
            (Strings{"key 'type' in [problem] at t.toml:7:8: 'sedv' is not one of 'shock_tube', 'sedov', 'blast'; did "
                     "you mean 'sedov'?"}));
}

// ---------------------------------------------------------------- --set

TEST(Overrides, ReplaceOrAddValues) {
  Deck d = validate(kSod, hydro_schema(),
                    {"physics.cfl_number=0.9", "run.t_end = 2.5", "problem.left.density=2", "physics.riemann=roe",
                     "physics.gravity=[0, 0, -9.81]", "output.prefix=\"my run\"", "output.compress=false"});
  EXPECT_EQ(d.real("physics.cfl_number"), 0.9);
  EXPECT_EQ(d.location("physics.cfl_number"), "--set physics.cfl_number=0.9");
  EXPECT_EQ(d.real("run.t_end"), 2.5);
  EXPECT_EQ(d.location("run.t_end"), "--set run.t_end = 2.5");
  EXPECT_EQ(d.real("problem.left.density"), 2.0);
  EXPECT_EQ(d.string("physics.riemann"), "roe");  // bare word read as a string
  EXPECT_EQ(d.reals("physics.gravity"), (std::vector<double>{0, 0, -9.81}));
  EXPECT_EQ(d.string("output.prefix"), "my run");
  EXPECT_FALSE(d.boolean("output.compress"));
}

TEST(Overrides, LastOneWinsButEveryBadOneIsReported) {
  Deck d = validate("", physics_schema(), {"physics.gamma=2", "physics.gamma=3"});
  EXPECT_EQ(d.real("physics.gamma"), 3.0);
  EXPECT_EQ(d.location("physics.gamma"), "--set physics.gamma=3");
  EXPECT_EQ(problems("", physics_schema(), {"physics.gamma=abc", "physics.gamma=3"}),
            (Strings{"bad --set 'physics.gamma=abc': expected a float, got a string (\"abc\")"}));
  EXPECT_EQ(problems("", physics_schema(), {"physics.gamma=3", "physics.gamma=abc"}),
            (Strings{"bad --set 'physics.gamma=abc': expected a float, got a string (\"abc\")"}));
}

TEST(Overrides, ReplacedFileValueIsNotChecked) {
  Deck d = validate("[physics]\ncfl_number = \"abc\"\n", physics_schema(), {"physics.cfl_number=0.5"});
  EXPECT_EQ(d.real("physics.cfl_number"), 0.5);
}

TEST(Overrides, Problems) {
  EXPECT_EQ(problems("", physics_schema(),
                     {"physics.cfl_numbr=0.5", "physics.cfl_number=abc", "physicscfl", "physics.=1", "=1",
                      "phisics.gamma=2", "physics.cfl_number=2", "output.fields=rho"}),
            (Strings{"bad --set 'physics.cfl_numbr=0.5': unknown key 'cfl_numbr' in [physics]; did you mean "
                     "'cfl_number'?",
                     "bad --set 'physics.cfl_number=abc': expected a float, got a string (\"abc\")",
                     "bad --set 'physicscfl': expected table.key=value",
                     "bad --set 'physics.=1': expected table.key=value",
                     "bad --set '=1': expected table.key=value",
                     "bad --set 'phisics.gamma=2': unknown table [phisics]; did you mean [physics]?",
                     "bad --set 'physics.cfl_number=2': value 2 is out of range [0, 1]",
                     "bad --set 'output.fields=rho': expected an array of strings, got a string (\"rho\")"}));
  EXPECT_EQ(problems(kSod, hydro_schema(), {"problem.lft.density=1"}),
            (Strings{"bad --set 'problem.lft.density=1': unknown table [problem.lft]; did you mean [problem.left]?"}));
}

// ---------------------------------------------------------------- resolved deck

TEST(Resolved, ToTomlWritesEveryValueInDeclarationOrder) {
  Deck d = validate(kSod, hydro_schema(), {"output.prefix=\"a \\\"b\\\"\tc\""});
  EXPECT_EQ(d.to_toml(), R"([run]
solver = "euler"
steps = 200

[physics]
cfl_number = 0.5
gamma = 2.0
riemann = "hllc"
gravity = [0.0, 0.0, 0.0]
dt = 0.5
smoothing = 0.0

[output]
every = 10
compress = true
fields = ["rho"]
prefix = "a \"b\"\tc"

[grid]
cells = [64, 1, 1]

[problem]
type = "shock_tube"

[problem.left]
density = 1.0
pressure = 1.0

[problem.right]
density = 0.125
)");
}

TEST(Resolved, ToTomlRoundTrips) {
  Deck d = validate(kSod, hydro_schema(),
                    {"output.prefix=\"a \\\"b\\\"\tc\\u0001\"", "run.t_end=1e-3", "problem.type=sedov",
                     "problem.energy=1e51", "physics.gravity=[0, 1.5, -1e300]"});
  Deck again = validate(d.to_toml(), hydro_schema());
  EXPECT_EQ(again.to_toml(), d.to_toml());
  EXPECT_EQ(again.string("output.prefix"), "a \"b\"\tc\x01");
  EXPECT_EQ(again.real("run.t_end"), 1e-3);
  EXPECT_EQ(again.real("problem.energy"), 1e51);
  EXPECT_EQ(again.real("problem.radius"), 0.1);
  EXPECT_EQ(again.reals("physics.gravity"), (std::vector<double>{0, 1.5, -1e300}));
  EXPECT_EQ(again.integers("grid.cells"), (std::vector<std::int64_t>{64, 1, 1}));
  EXPECT_EQ(again.real("problem.left.density"), 1.0);
}

TEST(Resolved, ToJsonNestsSubTables) {
  Schema s;
  s.add("run", "steps", ValueType::Int).def(3);
  s.add("run", "t_end", ValueType::Float).make_optional();
  s.add("problem", "type", ValueType::String).def("sod");
  s.add("problem.left", "density", ValueType::Float).def(1);
  s.add("problem.left", "cells", ValueType::FloatArray).def(std::vector<double>{0.5, 2});
  s.add("problem", "names", ValueType::StringArray).def(Strings{"a", "\"b\""});
  s.add("problem", "ok", ValueType::Bool).def(false);
  s.add("empty", "x", ValueType::Int).make_optional();
  Deck d = validate("[problem]\ntype = 'sedov'\n", s);
  EXPECT_EQ(d.to_json(), R"({
  "run": {
    "steps": 3
  },
  "problem": {
    "type": "sedov",
    "names": ["a", "\"b\""],
    "ok": false,
    "left": {
      "density": 1.0,
      "cells": [0.5, 2.0]
    }
  }
}
)");
  EXPECT_EQ(d.to_toml(), R"([run]
steps = 3

[problem]
type = "sedov"
names = ["a", "\"b\""]
ok = false

[problem.left]
density = 1.0
cells = [0.5, 2.0]
)");
}

// ---------------------------------------------------------------- reference text

Schema reference_schema() {
  Schema s;
  s.table("physics", "Hydrodynamics");
  s.add("physics", "cfl_number", ValueType::Float).def(0.8).above(0).at_most(1).doc_("CFL number");
  s.add("physics", "riemann", ValueType::String).def("hllc").one_of({"hllc", "hlle"}).doc_("Riemann solver");
  s.add("physics", "gravity", ValueType::FloatArray).len(3).make_optional().units("m/s^2").doc_("Gravity");
  s.table("problem", "Initial condition");
  s.add("problem", "type", ValueType::String).one_of({"sod", "sedov"}).doc_("Problem | setup");
  s.add("problem", "energy", ValueType::Float).units("J").at_least(0).when("type", {"sedov"}).doc_("Blast energy");
  s.add("problem", "steps", ValueType::Int).def(10).below(100);
  return s;
}

TEST(Reference, TextAlignsColumnsPerTable) {
  EXPECT_EQ(format_keys_text(reference_schema()),
            "[physics]  Hydrodynamics\n"
            "  cfl_number  float     0.8       (0, 1]     -      CFL number\n"
            "  riemann     string    \"hllc\"    hllc|hlle  -      Riemann solver\n"
            "  gravity     float[3]  optional  -          m/s^2  Gravity\n"
            "\n"
            "[problem]  Initial condition\n"
            "  type    string  required  sod|sedov  -  Problem | setup\n"
            "  energy  float   required  >= 0       J  Blast energy (only when type = sedov)\n"
            "  steps   int     10        < 100      -\n");
}

TEST(Reference, MarkdownHasOneTablePerSection) {
  EXPECT_EQ(format_keys_markdown(reference_schema()),
            "## [physics]\n"
            "\n"
            "Hydrodynamics\n"
            "\n"
            "| Key | Type | Default | Allowed | Unit | Description |\n"
            "|---|---|---|---|---|---|\n"
            "| `cfl_number` | float | `0.8` | (0, 1] |  | CFL number |\n"
            "| `riemann` | string | `\"hllc\"` | `hllc`, `hlle` |  | Riemann solver |\n"
            "| `gravity` | float[3] | optional |  | m/s^2 | Gravity |\n"
            "\n"
            "## [problem]\n"
            "\n"
            "Initial condition\n"
            "\n"
            "| Key | Type | Default | Allowed | Unit | Description |\n"
            "|---|---|---|---|---|---|\n"
            "| `type` | string | required | `sod`, `sedov` |  | Problem \\| setup |\n"
            "| `energy` | float | required | >= 0 | J | Blast energy (only when `type` is `sedov`) |\n"
            "| `steps` | int | `10` | < 100 |  |  |\n");
}

}  // namespace
}  // namespace tessera::deck
