#pragma once
// A deck schema: every table and key a solver (or the driver) accepts, with
// type, default, allowed range or choices, unit and a one-line doc. The schema
// drives deck validation, `tessera check`, `tessera keys` and generated docs.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace tessera::deck {

enum class ValueType { Bool, Int, Float, String, IntArray, FloatArray, StringArray };

// "a bool", "an integer", "a float", "a string", "an array of integers", ...
std::string describe(ValueType t);

using Value = std::variant<bool, std::int64_t, double, std::string, std::vector<std::int64_t>,
                           std::vector<double>, std::vector<std::string>>;

// TOML-like text of a value: true, 3, 0.5, "hllc", [1, 2, 3].
std::string to_string(const Value& v);

struct KeySpec {
  std::string table;  // dotted for sub-tables: "problem.left"
  std::string key;
  ValueType type = ValueType::Float;
  std::optional<Value> default_value;  // unset and !optional -> required
  bool optional = false;               // may be absent, no default (Deck::has says)
  std::optional<double> min, max;      // numbers, and each element of numeric arrays
  bool min_exclusive = false, max_exclusive = false;
  std::vector<std::string> choices;  // strings (and each element of string arrays)
  std::size_t length = 0;            // arrays: exact length required (0 = any)
  bool single = false;               // arrays: a lone element stands for a one-element array
  std::string unit;
  std::string doc;
  // Key applies only when `when_key` (same table) has one of `when_values`.
  std::string when_key;
  std::vector<std::string> when_values;

  bool required() const { return !default_value && !optional; }

  // Fluent setters, so a schema reads as a table:
  //   s.add("physics", "cfl_number", ValueType::Float).def(0.8).range(0, 1).doc_("...");
  KeySpec& def(Value v) { default_value = std::move(v); return *this; }
  // Numbers and bools: a plain def(int) overload would also catch 0.8 and
  // true (standard conversions beat the conversion to Value) and truncate them.
  template <class T>
    requires std::is_arithmetic_v<T>
  KeySpec& def(T v) {
    if constexpr (std::is_same_v<T, bool>)
      default_value = v;
    else if constexpr (std::is_integral_v<T>)
      default_value = static_cast<std::int64_t>(v);
    else
      default_value = static_cast<double>(v);
    return *this;
  }
  KeySpec& def(const char* v) { default_value = std::string(v); return *this; }
  KeySpec& make_optional() { optional = true; return *this; }
  KeySpec& range(double lo, double hi) { min = lo; max = hi; return *this; }
  KeySpec& at_least(double lo) { min = lo; min_exclusive = false; return *this; }
  KeySpec& above(double lo) { min = lo; min_exclusive = true; return *this; }
  KeySpec& at_most(double hi) { max = hi; max_exclusive = false; return *this; }
  KeySpec& below(double hi) { max = hi; max_exclusive = true; return *this; }
  KeySpec& one_of(std::vector<std::string> c) { choices = std::move(c); return *this; }
  KeySpec& len(std::size_t n) { length = n; return *this; }
  // `format = "vtkhdf"` as well as `format = ["hdf5", "vtkhdf"]`.
  KeySpec& or_single() { single = true; return *this; }
  KeySpec& units(std::string u) { unit = std::move(u); return *this; }
  KeySpec& doc_(std::string d) { doc = std::move(d); return *this; }
  KeySpec& when(std::string k, std::vector<std::string> values) {
    when_key = std::move(k);
    when_values = std::move(values);
    return *this;
  }
};

struct TableSpec {
  std::string name;  // dotted for sub-tables
  std::string doc;
};

class Schema {
 public:
  // Declares a table (keys also declare their table implicitly, without doc).
  Schema& table(std::string name, std::string doc);
  // Adds a key; a key added twice replaces the earlier spec (a solver may
  // narrow a driver key, e.g. change a default).
  KeySpec& add(std::string table, std::string key, ValueType type);
  // Adds every table and key of `other` (later wins on duplicates).
  Schema& merge(const Schema& other);

  const KeySpec* find(std::string_view table, std::string_view key) const;
  KeySpec* find(std::string_view table, std::string_view key);
  bool has_table(std::string_view table) const;
  std::vector<std::string> table_names() const;             // declaration order
  std::vector<const KeySpec*> keys_of(std::string_view table) const;  // declaration order
  const TableSpec* table_spec(std::string_view table) const;

 private:
  std::deque<TableSpec> tables_;
  std::deque<KeySpec> keys_;
};

// Human-readable reference of a schema (for `tessera keys`): one block per
// table, one line per key with type, default (or "required"), allowed
// values, unit and doc.
std::string format_keys_text(const Schema& s);
// The same as a Markdown reference page (generated docs).
std::string format_keys_markdown(const Schema& s);

}  // namespace tessera::deck
