#include "io/schema.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <utility>

namespace tessera::deck {

std::string describe(ValueType t) {
  switch (t) {
    case ValueType::Bool: return "a bool";
    case ValueType::Int: return "an integer";
    case ValueType::Float: return "a float";
    case ValueType::String: return "a string";
    case ValueType::IntArray: return "an array of integers";
    case ValueType::FloatArray: return "an array of floats";
    case ValueType::StringArray: return "an array of strings";
  }
  return "a value";
}

namespace {

// TOML basic-string escaping: control characters must be escaped, everything
// else (UTF-8 included) passes through unchanged.
std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// Shortest text that reads back to the same double; a trailing ".0" keeps it
// a TOML float rather than an integer.
std::string float_text(double d) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

template <class T>
std::string array_text(const std::vector<T>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + to_string(Value(v[i]));
  return s + "]";
}

// Range bounds read better without a forced ".0": "(0, 1]" rather than "(0.0, 1.0]".
std::string bound_text(double b) {
  if (std::trunc(b) == b && std::abs(b) < 9e15) return std::to_string(static_cast<std::int64_t>(b));
  return to_string(Value(b));
}

const char* short_type(ValueType t) {
  switch (t) {
    case ValueType::Bool: return "bool";
    case ValueType::Int: return "int";
    case ValueType::Float: return "float";
    case ValueType::String: return "string";
    case ValueType::IntArray: return "int[]";
    case ValueType::FloatArray: return "float[]";
    case ValueType::StringArray: return "string[]";
  }
  return "?";
}

std::string type_text(const KeySpec& k) {
  std::string t = short_type(k.type);
  if (k.length > 0 && t.ends_with("[]")) t.insert(t.size() - 1, std::to_string(k.length));
  if (k.single && k.length == 0 && t.ends_with("[]")) t = t.substr(0, t.size() - 2) + "|" + t;
  return t;
}

std::string default_text(const KeySpec& k) {
  if (k.default_value) return to_string(*k.default_value);
  return k.optional ? "optional" : "required";
}

std::string range_text(const KeySpec& k) {
  if (k.min && k.max)
    return std::string(k.min_exclusive ? "(" : "[") + bound_text(*k.min) + ", " + bound_text(*k.max) +
           (k.max_exclusive ? ")" : "]");
  if (k.min) return std::string(k.min_exclusive ? "> " : ">= ") + bound_text(*k.min);
  if (k.max) return std::string(k.max_exclusive ? "< " : "<= ") + bound_text(*k.max);
  return {};
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

std::string allowed_text(const KeySpec& k) {
  if (!k.choices.empty()) return join(k.choices, "|");
  return range_text(k);
}

std::string condition_text(const KeySpec& k) {
  if (k.when_key.empty()) return {};
  return "only when " + k.when_key + " = " + join(k.when_values, "|");
}

std::string or_dash(std::string s) { return s.empty() ? "-" : s; }

// Markdown table cells must not contain a raw '|'.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string rtrim(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

std::string to_string(const Value& v) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return float_text(d); }
    std::string operator()(const std::string& s) const { return quote(s); }
    std::string operator()(const std::vector<std::int64_t>& a) const { return array_text(a); }
    std::string operator()(const std::vector<double>& a) const { return array_text(a); }
    std::string operator()(const std::vector<std::string>& a) const { return array_text(a); }
  };
  return std::visit(Visitor{}, v);
}

Schema& Schema::table(std::string name, std::string doc) {
  for (auto& t : tables_) {
    if (t.name == name) {
      if (!doc.empty()) t.doc = std::move(doc);  // an implicit re-declaration keeps the doc
      return *this;
    }
  }
  tables_.push_back({std::move(name), std::move(doc)});
  return *this;
}

KeySpec& Schema::add(std::string table, std::string key, ValueType type) {
  if (!has_table(table)) tables_.push_back({table, {}});
  KeySpec fresh;
  fresh.table = std::move(table);
  fresh.key = std::move(key);
  fresh.type = type;
  // Replacing in place keeps the key where it was first declared, so listings
  // and the resolved deck keep a stable order when a solver narrows a key.
  if (KeySpec* existing = find(fresh.table, fresh.key)) {
    *existing = std::move(fresh);
    return *existing;
  }
  keys_.push_back(std::move(fresh));
  return keys_.back();
}

Schema& Schema::merge(const Schema& other) {
  for (const auto& t : other.tables_) {
    table(t.name, t.doc);
  }
  for (const auto& k : other.keys_) add(k.table, k.key, k.type) = k;
  return *this;
}

const KeySpec* Schema::find(std::string_view table, std::string_view key) const {
  for (const auto& k : keys_)
    if (k.table == table && k.key == key) return &k;
  return nullptr;
}

KeySpec* Schema::find(std::string_view table, std::string_view key) {
  return const_cast<KeySpec*>(std::as_const(*this).find(table, key));
}

bool Schema::has_table(std::string_view table) const { return table_spec(table) != nullptr; }

std::vector<std::string> Schema::table_names() const {
  std::vector<std::string> names;
  for (const auto& t : tables_) names.push_back(t.name);
  return names;
}

std::vector<const KeySpec*> Schema::keys_of(std::string_view table) const {
  std::vector<const KeySpec*> out;
  for (const auto& k : keys_)
    if (k.table == table) out.push_back(&k);
  return out;
}

const TableSpec* Schema::table_spec(std::string_view table) const {
  for (const auto& t : tables_)
    if (t.name == table) return &t;
  return nullptr;
}

std::string format_keys_text(const Schema& s) {
  std::ostringstream out;
  bool first = true;
  for (const auto& name : s.table_names()) {
    if (!first) out << '\n';
    first = false;
    const std::string& doc = s.table_spec(name)->doc;
    out << '[' << name << ']' << (doc.empty() ? "" : "  " + doc) << '\n';

    std::vector<std::vector<std::string>> rows;
    for (const KeySpec* k : s.keys_of(name)) {
      std::string note = k->doc;
      if (!k->when_key.empty()) note += (note.empty() ? "(" : " (") + condition_text(*k) + ")";
      rows.push_back({k->key, type_text(*k), default_text(*k), or_dash(allowed_text(*k)), or_dash(k->unit), note});
    }
    std::vector<std::size_t> width(6, 0);
    for (const auto& r : rows)
      for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
    for (const auto& r : rows) {
      std::string line = "  ";
      for (std::size_t c = 0; c < r.size(); ++c) {
        line += r[c];
        if (c + 1 < r.size()) line += std::string(width[c] - r[c].size() + 2, ' ');
      }
      out << rtrim(line) << '\n';
    }
  }
  return out.str();
}

std::string format_keys_markdown(const Schema& s) {
  std::ostringstream out;
  bool first = true;
  for (const auto& name : s.table_names()) {
    if (!first) out << '\n';
    first = false;
    out << "## [" << name << "]\n\n";
    const std::string& doc = s.table_spec(name)->doc;
    if (!doc.empty()) out << doc << "\n\n";
    out << "| Key | Type | Default | Allowed | Unit | Description |\n";
    out << "|---|---|---|---|---|---|\n";
    for (const KeySpec* k : s.keys_of(name)) {
      // Appended piecewise: GCC 12's -Wrestrict misfires on "`" + std::string&&.
      std::string def;
      if (k->default_value) def.append("`").append(to_string(*k->default_value)).append("`");
      else def = default_text(*k);
      std::string allowed;
      if (!k->choices.empty()) {
        std::vector<std::string> quoted;
        for (const auto& c : k->choices) quoted.push_back("`" + c + "`");
        allowed = join(quoted, ", ");
      } else {
        allowed = range_text(*k);
      }
      std::string desc = k->doc;
      if (!k->when_key.empty()) {
        std::vector<std::string> quoted;
        for (const auto& v : k->when_values) quoted.push_back("`" + v + "`");
        desc += std::string(desc.empty() ? "" : " ") + "(only when `" + k->when_key + "` is " + join(quoted, " or ") + ")";
      }
      out << "| `" << k->key << "` | " << cell(type_text(*k)) << " | " << cell(def) << " | " << cell(allowed) << " | "
          << cell(k->unit) << " | " << cell(desc) << " |\n";
    }
  }
  return out.str();
}

}  // namespace tessera::deck
