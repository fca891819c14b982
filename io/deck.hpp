#pragma once
// An input deck: a TOML file plus `--set table.key=value` overrides, validated
// against a Schema. Validation reports every problem at once (file, line,
// column, key, what was expected, the nearest valid name) and throws
// tessera::InputError; nothing runs until the deck is valid.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/schema.hpp"
#include "runtime/error.hpp"

namespace tessera::deck {

// The parsed, not yet validated deck.
class RawDeck {
 public:
  // Parses `path` (TOML); a syntax error throws InputError with
  // "syntax error at FILE:LINE:COL: <parser message>". Each override is
  // "table.key=value"; value is read as a TOML value (number, bool, "str",
  // [array]) and, if that fails, as a bare string. Malformed overrides are
  // reported together with the deck's problems at validate().
  static RawDeck parse_file(const std::string& path, const std::vector<std::string>& overrides = {});
  static RawDeck parse_string(std::string_view text, std::string source_name,
                              const std::vector<std::string>& overrides = {});

  // A string value before validation (e.g. [run] solver, to pick the schema);
  // nullopt when absent or not a string.
  std::optional<std::string> peek_string(std::string_view dotted_path) const;
  const std::string& source_name() const;  // file name as given

  ~RawDeck();
  RawDeck(RawDeck&&) noexcept;
  RawDeck& operator=(RawDeck&&) noexcept;

 private:
  friend class Deck;
  struct Impl;
  explicit RawDeck(std::unique_ptr<Impl>);
  std::unique_ptr<Impl> impl_;
};

struct ValidateOptions {
  // When the solver is unknown the solver's tables cannot be checked: report
  // the bad solver name and skip "unknown table" problems.
  bool ignore_unknown_tables = false;
};

// The validated deck with defaults filled in.
class Deck {
 public:
  // Throws InputError listing every problem (one message each), in file order.
  static Deck validate(const RawDeck& raw, const Schema& schema, ValidateOptions opt = {});

  // Paths are "table.key" (table may be dotted: "problem.left.density").
  bool has(std::string_view path) const;  // false only for absent optional keys
  bool boolean(std::string_view path) const;
  std::int64_t integer(std::string_view path) const;
  double real(std::string_view path) const;  // also reads integer values
  std::string string(std::string_view path) const;
  std::vector<std::int64_t> integers(std::string_view path) const;
  std::vector<double> reals(std::string_view path) const;
  std::vector<std::string> strings(std::string_view path) const;

  // The resolved value as stored (nullopt when absent); for comparing decks.
  std::optional<Value> value(std::string_view path) const;

  // Where a value came from: "sod.toml:12:14" (the value's line:column),
  // "--set physics.cfl=0.9" or "default".
  std::string location(std::string_view path) const;
  // An InputError about one key, worded like validation's messages:
  // "key 'steps' in [run] at sod.toml:3:9: <what>", "key 'steps' in [run]
  // (default): <what>" or "bad --set 'run.steps=5': <what>".
  InputError error_at(std::string_view path, const std::string& what) const;

  const std::string& source_name() const;
  const Schema& schema() const;
  std::string to_toml() const;  // the fully resolved deck
  std::string to_json() const;  // the same, as JSON (for run.json)

  ~Deck();
  Deck(Deck&&) noexcept;
  Deck& operator=(Deck&&) noexcept;
  Deck(const Deck&);
  Deck& operator=(const Deck&);

 private:
  struct Impl;
  explicit Deck(std::unique_ptr<Impl>);
  std::unique_ptr<Impl> impl_;
};

// The nearest candidate to `name` by edit distance, if close enough to be a
// plausible typo (distance <= max(1, len/3), case-insensitive).
std::optional<std::string> nearest(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace tessera::deck
