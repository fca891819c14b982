#include "io/deck.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>
#include <system_error>
#include <tuple>
#include <type_traits>

#include <toml++/toml.h>

namespace tessera::deck {

namespace {

// A `--set table.key=value` override, split and parsed once at RawDeck time so
// that validation only has to judge it.
struct Override {
  std::string text;        // as given, for messages
  std::string table, key;  // both empty when malformed
  toml::table holder;      // the value, under "v" (a table keeps it owned and typed)

  bool well_formed() const { return !key.empty(); }
  const toml::node& value() const { return *holder.get("v"); }
};

enum class Origin { File, Override, Default };

struct Entry {
  Value value;
  Origin origin = Origin::Default;
  toml::source_position key_pos{}, value_pos{};  // Origin::File
  std::size_t override_index = 0;                // Origin::Override
  std::string override_text;                     // Origin::Override
};

std::string trim(std::string_view s) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> split_dots(std::string_view s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    parts.emplace_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

// "table.key" -> {"table", "key"}; the table may itself be dotted.
std::pair<std::string, std::string> split_path(std::string_view path) {
  auto dot = path.rfind('.');
  if (dot == std::string_view::npos) return {std::string(), std::string(path)};
  return {std::string(path.substr(0, dot)), std::string(path.substr(dot + 1))};
}

std::string path_of(const std::string& table, const std::string& key) {
  return table.empty() ? key : table + "." + key;
}

Override parse_override(const std::string& text) {
  Override o;
  o.text = text;
  auto eq = text.find('=');
  if (eq == std::string::npos) return o;
  std::string lhs = trim(std::string_view(text).substr(0, eq));
  std::string rhs = trim(std::string_view(text).substr(eq + 1));
  auto parts = split_dots(lhs);
  if (parts.size() < 2 || std::any_of(parts.begin(), parts.end(), [](const auto& p) { return p.empty(); })) return o;
  std::tie(o.table, o.key) = split_path(lhs);
  try {
    toml::table parsed = toml::parse("v = " + rhs);
    // More than one key means the text smuggled in a newline: take it literally.
    if (parsed.size() == 1 && parsed.contains("v")) {
      o.holder = std::move(parsed);
      return o;
    }
  } catch (const toml::parse_error&) {
    // Not a TOML value: a bare word such as `hllc` is meant as a string.
  }
  o.holder.insert("v", rhs);
  return o;
}

std::string at(const std::string& file, const toml::source_position& p) {
  return file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

std::string in_table(const std::string& table) {
  return table.empty() ? "outside any table" : "in [" + table + "]";
}

std::string quoted_list(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", '" : "'") + v[i] + "'";
  return s;
}

bool is_array(ValueType t) {
  return t == ValueType::IntArray || t == ValueType::FloatArray || t == ValueType::StringArray;
}

ValueType element_type(ValueType t) {
  switch (t) {
    case ValueType::IntArray: return ValueType::Int;
    case ValueType::FloatArray: return ValueType::Float;
    case ValueType::StringArray: return ValueType::String;
    default: return t;
  }
}

// "a float", or "an array of 3 floats" when the length is fixed.
std::string expected(const KeySpec& spec) {
  if (is_array(spec.type) && spec.single && spec.length == 0)
    return describe(element_type(spec.type)) + " or " + describe(spec.type);
  if (!is_array(spec.type) || spec.length == 0) return describe(spec.type);
  std::string noun = describe(spec.type).substr(std::string("an array of ").size());
  if (spec.length == 1) noun.pop_back();
  return "an array of " + std::to_string(spec.length) + " " + noun;
}

template <class T>
std::string streamed(const T& v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// What a node is, for "got ..." in type errors: kind plus the value as written.
std::string got(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string (" + to_string(Value(n.as_string()->get())) + ")";
    case toml::node_type::integer: return "an integer (" + std::to_string(n.as_integer()->get()) + ")";
    case toml::node_type::floating_point: return "a float (" + to_string(Value(n.as_floating_point()->get())) + ")";
    case toml::node_type::boolean: return std::string("a bool (") + (n.as_boolean()->get() ? "true" : "false") + ")";
    case toml::node_type::date: return "a date (" + streamed(*n.as_date()) + ")";
    case toml::node_type::time: return "a time (" + streamed(*n.as_time()) + ")";
    case toml::node_type::date_time: return "a date-time (" + streamed(*n.as_date_time()) + ")";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::none: break;
  }
  return "nothing";
}

// The node as a scalar of type `t`; integers widen to floats, nothing else converts.
std::optional<Value> scalar(const toml::node& n, ValueType t) {
  switch (t) {
    case ValueType::Bool:
      if (auto* b = n.as_boolean()) return Value(b->get());
      break;
    case ValueType::Int:
      if (auto* i = n.as_integer()) return Value(i->get());
      break;
    case ValueType::Float:
      if (auto* f = n.as_floating_point()) return Value(f->get());
      if (auto* i = n.as_integer()) return Value(static_cast<double>(i->get()));
      break;
    case ValueType::String:
      if (auto* s = n.as_string()) return Value(s->get());
      break;
    default: break;
  }
  return std::nullopt;
}

std::string bound_text(double b) {
  if (std::trunc(b) == b && std::abs(b) < 9e15) return std::to_string(static_cast<std::int64_t>(b));
  return to_string(Value(b));
}

// What is wrong with a type-correct scalar, if anything. `element` is the
// 1-based index inside an array, 0 for a scalar key.
std::optional<std::string> out_of_bounds(const toml::node& n, const KeySpec& spec, std::size_t element) {
  auto subject = [&](const std::string& v) {
    return element ? "element " + std::to_string(element) + " (" + v + ")" : v;
  };
  if (auto* s = n.as_string()) {
    const std::string& v = s->get();
    if (spec.choices.empty() || std::find(spec.choices.begin(), spec.choices.end(), v) != spec.choices.end())
      return std::nullopt;
    std::string msg = subject("'" + v + "'") + " is not one of " + quoted_list(spec.choices);
    if (auto near = nearest(v, spec.choices)) msg += "; did you mean '" + *near + "'?";
    return msg;
  }
  if (!n.is_number() || (!spec.min && !spec.max)) return std::nullopt;
  const double v = n.is_integer() ? static_cast<double>(n.as_integer()->get()) : n.as_floating_point()->get();
  // Written so that NaN fails every bound.
  const bool low_ok = !spec.min || (spec.min_exclusive ? v > *spec.min : v >= *spec.min);
  const bool high_ok = !spec.max || (spec.max_exclusive ? v < *spec.max : v <= *spec.max);
  if (low_ok && high_ok) return std::nullopt;
  std::string text = n.is_integer() ? std::to_string(n.as_integer()->get()) : to_string(Value(v));
  std::string what = element ? subject("value " + text) : "value " + text;
  if (spec.min && spec.max)
    return what + " is out of range " + (spec.min_exclusive ? "(" : "[") + bound_text(*spec.min) + ", " +
           bound_text(*spec.max) + (spec.max_exclusive ? ")" : "]");
  if (spec.min) return what + " must be " + (spec.min_exclusive ? "> " : ">= ") + bound_text(*spec.min);
  return what + " must be " + (spec.max_exclusive ? "< " : "<= ") + bound_text(*spec.max);
}

struct Issue {
  std::string what;
  toml::source_position pos;
};

struct Checked {
  std::optional<Value> value;  // set only when there are no issues
  std::vector<Issue> issues;
};

Value array_value(const toml::array& arr, ValueType t) {
  auto collect = [&](auto proto) {
    using E = decltype(proto);
    std::vector<E> out;
    for (const auto& e : arr) out.push_back(std::get<E>(*scalar(e, element_type(t))));
    return Value(std::move(out));
  };
  switch (t) {
    case ValueType::IntArray: return collect(std::int64_t{});
    case ValueType::FloatArray: return collect(double{});
    default: return collect(std::string{});
  }
}

Checked check_value(const toml::node& n, const KeySpec& spec) {
  Checked c;
  if (!is_array(spec.type)) {
    auto v = scalar(n, spec.type);
    if (!v)
      c.issues.push_back({"expected " + expected(spec) + ", got " + got(n), n.source().begin});
    else if (auto bad = out_of_bounds(n, spec, 0))
      c.issues.push_back({*bad, n.source().begin});
    else
      c.value = std::move(v);
    return c;
  }
  const toml::array* arr = n.as_array();
  if (!arr && spec.single && scalar(n, element_type(spec.type))) {
    if (auto bad = out_of_bounds(n, spec, 0)) {
      c.issues.push_back({*bad, n.source().begin});
    } else {
      const Value v = *scalar(n, element_type(spec.type));
      if (auto* str = std::get_if<std::string>(&v)) c.value = Value(std::vector<std::string>{*str});
      else if (auto* i = std::get_if<std::int64_t>(&v)) c.value = Value(std::vector<std::int64_t>{*i});
      else c.value = Value(std::vector<double>{std::get<double>(v)});
    }
    return c;
  }
  if (!arr) {
    c.issues.push_back({"expected " + expected(spec) + ", got " + got(n), n.source().begin});
    return c;
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const toml::node& e = (*arr)[i];
    if (!scalar(e, element_type(spec.type)))
      c.issues.push_back({"expected " + expected(spec) + ", but element " + std::to_string(i + 1) + " is " + got(e),
                          e.source().begin});
  }
  if (!c.issues.empty()) return c;
  if (spec.length != 0 && arr->size() != spec.length) {
    c.issues.push_back({"expected " + expected(spec) + ", got " + std::to_string(arr->size()) +
                            (arr->size() == 1 ? " element" : " elements"),
                        n.source().begin});
    return c;
  }
  for (std::size_t i = 0; i < arr->size(); ++i)
    if (auto bad = out_of_bounds((*arr)[i], spec, i + 1)) c.issues.push_back({*bad, (*arr)[i].source().begin});
  if (c.issues.empty()) c.value = array_value(*arr, spec.type);
  return c;
}

// Schema defaults may be written loosely (`.def(1)` on a float key); store
// them as the key's own type so getters and the resolved deck agree.
Value conform(const Value& v, const KeySpec& spec) {
  if (spec.type == ValueType::Float) {
    if (auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  }
  if (spec.type == ValueType::FloatArray) {
    if (auto* a = std::get_if<std::vector<std::int64_t>>(&v)) return std::vector<double>(a->begin(), a->end());
  }
  return v;
}

// ValueType lists its types in the order of Value's alternatives.
static_assert(std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(ValueType::StringArray), Value>,
                             std::vector<std::string>>);
bool holds_type(const Value& v, ValueType t) { return v.index() == static_cast<std::size_t>(t); }

struct Problem {
  // Sorting keys: group 0 = file (line, column), 1 = --set (override index),
  // 2 = missing required (schema order).
  int group;
  std::uint64_t major, minor;
  std::string message;
};

enum class Activity { Active, Inactive, Unknown };

struct Condition {
  Activity activity = Activity::Active;
  std::string actual;  // the controlling key's value, for messages
};

// One validation pass: collects every problem, then either throws them all
// or hands back the resolved values.
class Validator {
 public:
  Validator(const Schema& schema, const std::string& file, ValidateOptions opt)
      : schema_(schema), file_(file), opt_(opt) {}

  std::map<std::string, Entry, std::less<>> run(const toml::table& root, const std::vector<Override>& overrides) {
    for (const auto& o : overrides)
      if (o.well_formed() && schema_.find(o.table, o.key)) overridden_.insert(path_of(o.table, o.key));
    walk(root, "");
    for (std::size_t i = 0; i < overrides.size(); ++i) apply(overrides[i], i);
    for (const auto& table : schema_.table_names())
      for (const KeySpec* spec : schema_.keys_of(table)) settle(*spec);
    report_conditions_and_missing();

    if (!problems_.empty()) {
      std::stable_sort(problems_.begin(), problems_.end(), [](const Problem& a, const Problem& b) {
        return std::tie(a.group, a.major, a.minor) < std::tie(b.group, b.major, b.minor);
      });
      std::vector<std::string> messages;
      for (auto& p : problems_) messages.push_back(std::move(p.message));
      throw InputError(std::move(messages));
    }
    return std::move(values_);
  }

 private:
  void file_problem(const toml::source_position& pos, std::string message) {
    problems_.push_back({0, pos.line, pos.column, std::move(message)});
  }
  void override_problem(std::size_t index, std::string message) {
    problems_.push_back({1, index, 0, std::move(message)});
  }

  // A table is known if the schema declares it or one of its sub-tables.
  bool known_table(const std::string& path) const {
    for (const auto& t : schema_.table_names())
      if (t == path || t.starts_with(path + ".")) return true;
    return false;
  }

  // "; did you mean [problem.left]?" for a misspelt table, comparing siblings only.
  std::string table_suggestion(const std::string& path) const {
    auto [parent, name] = split_path(path);
    const std::string prefix = parent.empty() ? "" : parent + ".";
    std::vector<std::string> siblings;
    for (const auto& t : schema_.table_names()) {
      if (!t.starts_with(prefix)) continue;
      std::string child = t.substr(prefix.size(), t.find('.', prefix.size()) - prefix.size());
      if (std::find(siblings.begin(), siblings.end(), child) == siblings.end()) siblings.push_back(child);
    }
    auto near = nearest(name, siblings);
    return near ? "; did you mean [" + prefix + *near + "]?" : "";
  }

  std::string key_suggestion(const std::string& table, const std::string& key) const {
    std::vector<std::string> names;
    for (const KeySpec* k : schema_.keys_of(table)) names.push_back(k->key);
    auto near = nearest(key, names);
    return near ? "; did you mean '" + *near + "'?" : "";
  }

  void walk(const toml::table& t, const std::string& path) {
    for (auto&& [k, node] : t) {
      const std::string name(k.str());
      const std::string child = path_of(path, name);
      if (const KeySpec* spec = schema_.find(path, name)) {
        file_value(*spec, k, node);
      } else if (const toml::table* sub = node.as_table()) {
        // An inline table starts at its value; a [header] table at the header.
        const auto pos = sub->is_inline() ? k.source().begin : sub->source().begin;
        if (known_table(child)) {
          table_pos_.emplace(child, pos);
          walk(*sub, child);
        } else if (!opt_.ignore_unknown_tables) {
          file_problem(pos, "unknown table [" + child + "] at " + at(file_, pos) + table_suggestion(child));
        }
      } else if (known_table(child)) {
        file_problem(node.source().begin, "[" + child + "] at " + at(file_, node.source().begin) +
                                              " must be a table, got " + got(node));
      } else if (const toml::array* arr = node.as_array(); arr && !arr->empty() && arr->is_array_of_tables()) {
        if (!opt_.ignore_unknown_tables) {
          const auto pos = (*arr)[0].source().begin;
          file_problem(pos, "unknown table [[" + child + "]] at " + at(file_, pos) + table_suggestion(child));
        }
      } else {
        file_problem(k.source().begin, "unknown key '" + name + "' " + in_table(path) + " at " +
                                           at(file_, k.source().begin) + key_suggestion(path, name));
      }
    }
  }

  void file_value(const KeySpec& spec, const toml::key& k, const toml::node& node) {
    const std::string path = path_of(spec.table, spec.key);
    if (overridden_.count(path)) return;  // replaced by --set: the file's value no longer matters
    Checked c = check_value(node, spec);
    for (auto& issue : c.issues)
      file_problem(issue.pos, "key '" + spec.key + "' " + in_table(spec.table) + " at " + at(file_, issue.pos) + ": " +
                                  issue.what);
    if (!c.value) {
      invalid_.insert(path);
      return;
    }
    Entry e;
    e.value = std::move(*c.value);
    e.origin = Origin::File;
    e.key_pos = k.source().begin;
    e.value_pos = node.source().begin;
    values_[path] = std::move(e);
  }

  void apply(const Override& o, std::size_t index) {
    const std::string prefix = "bad --set '" + o.text + "': ";
    if (!o.well_formed()) {
      override_problem(index, prefix + "expected table.key=value");
      return;
    }
    const KeySpec* spec = schema_.find(o.table, o.key);
    if (!spec) {
      if (!known_table(o.table)) {
        if (!opt_.ignore_unknown_tables)
          override_problem(index, prefix + "unknown table [" + o.table + "]" + table_suggestion(o.table));
      } else {
        override_problem(index, prefix + "unknown key '" + o.key + "' " + in_table(o.table) +
                                    key_suggestion(o.table, o.key));
      }
      return;
    }
    const std::string path = path_of(o.table, o.key);
    Checked c = check_value(o.value(), *spec);
    for (auto& issue : c.issues) override_problem(index, prefix + issue.what);
    if (!c.value) {
      invalid_.insert(path);
      values_.erase(path);
      return;
    }
    Entry e;
    e.value = std::move(*c.value);
    e.origin = Origin::Override;
    e.override_index = index;
    e.override_text = o.text;
    values_[path] = std::move(e);
    invalid_.erase(path);
  }

  // Whether a conditional key applies. Unknown when the controlling key is
  // itself broken or missing: that is reported already, and guessing would
  // only add noise.
  Condition condition(const KeySpec& spec) {
    if (spec.when_key.empty()) return {};
    const KeySpec* dep = schema_.find(spec.table, spec.when_key);
    TESSERA_REQUIRE(dep != nullptr, "schema: key '" + spec.key + "' in [" + spec.table +
                                        "] depends on undeclared key '" + spec.when_key + "'");
    settle(*dep);
    const std::string dep_path = path_of(dep->table, dep->key);
    if (invalid_.count(dep_path) || missing_.count(dep_path)) return {Activity::Unknown, {}};
    auto it = values_.find(dep_path);
    if (it == values_.end()) return {Activity::Inactive, "not set"};
    const Value& v = it->second.value;
    const std::string actual = std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : to_string(v);
    const bool holds = std::find(spec.when_values.begin(), spec.when_values.end(), actual) != spec.when_values.end();
    return {holds ? Activity::Active : Activity::Inactive, "'" + actual + "'"};
  }

  // Decides once per key whether it applies, and fills its default if so.
  void settle(const KeySpec& spec) {
    const std::string path = path_of(spec.table, spec.key);
    if (conditions_.count(path)) return;
    conditions_[path] = {Activity::Unknown, {}};  // guards against when-cycles
    Condition c = condition(spec);
    conditions_[path] = c;
    if (c.activity != Activity::Active || values_.count(path) || invalid_.count(path)) return;
    if (spec.default_value) {
      Entry e;
      e.value = conform(*spec.default_value, spec);
      TESSERA_REQUIRE(holds_type(e.value, spec.type), "schema: default of key '" + spec.key + "' in [" + spec.table +
                                                          "] is not " + describe(spec.type));
      values_[path] = std::move(e);
    } else if (spec.required()) {
      missing_.insert(path);
    }
  }

  void report_conditions_and_missing() {
    std::uint64_t order = 0;
    for (const auto& table : schema_.table_names()) {
      for (const KeySpec* spec : schema_.keys_of(table)) {
        const std::string path = path_of(spec->table, spec->key);
        const Condition& c = conditions_[path];
        auto it = values_.find(path);
        if (c.activity == Activity::Inactive && it != values_.end() && it->second.origin != Origin::Default)
          report_inactive(*spec, c, it->second);
        if (missing_.count(path)) {
          std::string msg = "missing required key '" + spec->key + "' " + in_table(spec->table);
          auto pos = table_pos_.find(spec->table);
          if (pos != table_pos_.end())
            msg += " at " + at(file_, pos->second);
          else
            msg += " (table [" + spec->table + "] is absent from " + file_ + ")";
          problems_.push_back({2, order++, 0, std::move(msg)});
        }
      }
    }
  }

  void report_inactive(const KeySpec& spec, const Condition& c, const Entry& e) {
    std::string rule = "applies only when " + spec.when_key + " is " +
                       (spec.when_values.size() == 1 ? "'" + spec.when_values[0] + "'"
                                                     : "one of " + quoted_list(spec.when_values)) +
                       " (" + spec.when_key + " is " + c.actual + ")";
    const std::string subject = "key '" + spec.key + "' " + in_table(spec.table);
    if (e.origin == Origin::File)
      file_problem(e.key_pos, subject + " at " + at(file_, e.key_pos) + " " + rule);
    else
      override_problem(e.override_index, "bad --set '" + e.override_text + "': " + subject + " " + rule);
  }

  const Schema& schema_;
  const std::string& file_;
  ValidateOptions opt_;
  std::vector<Problem> problems_;
  std::map<std::string, Entry, std::less<>> values_;
  std::set<std::string> invalid_;     // given, but with a bad value
  std::set<std::string> missing_;     // required, applicable and absent
  std::set<std::string> overridden_;  // targeted by a well-formed --set
  std::map<std::string, Condition> conditions_;
  std::map<std::string, toml::source_position> table_pos_;
};

// Damerau-Levenshtein distance (optimal string alignment), case-insensitive.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

// The resolved deck as nested tables, in schema declaration order.
struct Tree {
  std::string name;
  std::vector<std::pair<std::string, const Value*>> keys;
  std::vector<Tree> children;

  Tree& child(const std::string& n) {
    for (auto& c : children)
      if (c.name == n) return c;
    children.push_back(Tree{n, {}, {}});
    return children.back();
  }
};

std::string toml_key(const std::string& k) {
  const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  return bare ? k : to_string(Value(k));
}

void emit_toml(const Tree& t, const std::string& header, std::string& out) {
  if (!t.keys.empty()) {
    if (!header.empty()) out += (out.empty() ? "[" : "\n[") + header + "]\n";
    for (const auto& [k, v] : t.keys) out += toml_key(k) + " = " + to_string(*v) + "\n";
  }
  for (const auto& c : t.children) emit_toml(c, header.empty() ? toml_key(c.name) : header + "." + toml_key(c.name), out);
}

// TOML's value text is valid JSON except for inf and nan, which JSON lacks.
std::string json_value(const Value& v) {
  if (auto* d = std::get_if<double>(&v)) return std::isfinite(*d) ? to_string(v) : "null";
  if (auto* a = std::get_if<std::vector<double>>(&v)) {
    std::string s = "[";
    for (std::size_t i = 0; i < a->size(); ++i) s += (i ? ", " : "") + json_value(Value((*a)[i]));
    return s + "]";
  }
  return to_string(v);
}

void emit_json(const Tree& t, std::size_t indent, std::string& out) {
  const std::string pad(indent + 2, ' ');
  bool first = true;
  out += "{";
  for (const auto& [k, v] : t.keys) {
    out += (first ? "\n" : ",\n") + pad + to_string(Value(k)) + ": " + json_value(*v);
    first = false;
  }
  for (const auto& c : t.children) {
    out += (first ? "\n" : ",\n") + pad + to_string(Value(c.name)) + ": ";
    emit_json(c, indent + 2, out);
    first = false;
  }
  if (!first) out += "\n" + std::string(indent, ' ');
  out += "}";
}

}  // namespace

// ---------------------------------------------------------------- RawDeck

struct RawDeck::Impl {
  std::string source_name;
  toml::table root;
  std::vector<Override> overrides;
};

RawDeck::RawDeck(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RawDeck::~RawDeck() = default;
RawDeck::RawDeck(RawDeck&&) noexcept = default;
RawDeck& RawDeck::operator=(RawDeck&&) noexcept = default;

RawDeck RawDeck::parse_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read deck " + path + ": " + std::generic_category().message(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_string(text.str(), path, overrides);
}

RawDeck RawDeck::parse_string(std::string_view text, std::string source_name,
                              const std::vector<std::string>& overrides) {
  auto impl = std::make_unique<Impl>();
  impl->source_name = std::move(source_name);
  try {
    impl->root = toml::parse(text, std::string_view(impl->source_name));
  } catch (const toml::parse_error& e) {
    throw InputError("syntax error at " + at(impl->source_name, e.source().begin) + ": " +
                     std::string(e.description()));
  }
  for (const auto& o : overrides) impl->overrides.push_back(parse_override(o));
  return RawDeck(std::move(impl));
}

std::optional<std::string> RawDeck::peek_string(std::string_view dotted_path) const {
  auto [table, key] = split_path(dotted_path);
  for (auto o = impl_->overrides.rbegin(); o != impl_->overrides.rend(); ++o) {
    if (o->table == table && o->key == key) {
      if (auto* s = o->value().as_string()) return s->get();
      return std::nullopt;
    }
  }
  const toml::table* t = &impl_->root;
  if (!table.empty()) {
    for (const auto& part : split_dots(table)) {
      t = t->get_as<toml::table>(part);
      if (!t) return std::nullopt;
    }
  }
  if (auto* s = t->get_as<std::string>(key)) return s->get();
  return std::nullopt;
}

const std::string& RawDeck::source_name() const { return impl_->source_name; }

// ---------------------------------------------------------------- Deck

struct Deck::Impl {
  Schema schema;
  std::string source_name;
  std::map<std::string, Entry, std::less<>> values;

  const KeySpec& spec(std::string_view path) const {
    auto [table, key] = split_path(path);
    const KeySpec* s = schema.find(table, key);
    if (!s) throw Error("deck: no key '" + std::string(path) + "' is declared in the schema");
    return *s;
  }

  const Entry* entry(std::string_view path) const {
    auto it = values.find(path);
    return it == values.end() ? nullptr : &it->second;
  }

  // The value at `path`, which must be declared as one of `accepted`.
  const Value& get(std::string_view path, std::initializer_list<ValueType> accepted, ValueType asked) const {
    const KeySpec& s = spec(path);
    if (std::find(accepted.begin(), accepted.end(), s.type) == accepted.end())
      throw Error("deck: key '" + std::string(path) + "' is " + describe(s.type) + ", not " + describe(asked));
    const Entry* e = entry(path);
    if (!e) throw Error("deck: key '" + std::string(path) + "' has no value (check has() first)");
    return e->value;
  }

  Tree tree() const {
    Tree root;
    for (const auto& table : schema.table_names()) {
      for (const KeySpec* k : schema.keys_of(table)) {
        const Entry* e = entry(path_of(k->table, k->key));
        if (!e) continue;
        Tree* node = &root;
        if (!table.empty())
          for (const auto& part : split_dots(table)) node = &node->child(part);
        node->keys.emplace_back(k->key, &e->value);
      }
    }
    return root;
  }
};

Deck::Deck(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Deck::~Deck() = default;
Deck::Deck(Deck&&) noexcept = default;
Deck& Deck::operator=(Deck&&) noexcept = default;
Deck::Deck(const Deck& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Deck& Deck::operator=(const Deck& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}

Deck Deck::validate(const RawDeck& raw, const Schema& schema, ValidateOptions opt) {
  Validator v(schema, raw.impl_->source_name, opt);
  auto values = v.run(raw.impl_->root, raw.impl_->overrides);
  auto impl = std::make_unique<Impl>();
  impl->schema = schema;
  impl->source_name = raw.impl_->source_name;
  impl->values = std::move(values);
  return Deck(std::move(impl));
}

std::optional<Value> Deck::value(std::string_view path) const {
  impl_->spec(path);  // undeclared paths are a programming error
  const Entry* e = impl_->entry(path);
  if (!e) return std::nullopt;
  return e->value;
}

bool Deck::has(std::string_view path) const {
  impl_->spec(path);
  return impl_->entry(path) != nullptr;
}

bool Deck::boolean(std::string_view path) const {
  return std::get<bool>(impl_->get(path, {ValueType::Bool}, ValueType::Bool));
}

std::int64_t Deck::integer(std::string_view path) const {
  return std::get<std::int64_t>(impl_->get(path, {ValueType::Int}, ValueType::Int));
}

double Deck::real(std::string_view path) const {
  const Value& v = impl_->get(path, {ValueType::Float, ValueType::Int}, ValueType::Float);
  if (auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}

std::string Deck::string(std::string_view path) const {
  return std::get<std::string>(impl_->get(path, {ValueType::String}, ValueType::String));
}

std::vector<std::int64_t> Deck::integers(std::string_view path) const {
  return std::get<std::vector<std::int64_t>>(impl_->get(path, {ValueType::IntArray}, ValueType::IntArray));
}

std::vector<double> Deck::reals(std::string_view path) const {
  const Value& v = impl_->get(path, {ValueType::FloatArray, ValueType::IntArray}, ValueType::FloatArray);
  if (auto* a = std::get_if<std::vector<std::int64_t>>(&v)) return std::vector<double>(a->begin(), a->end());
  return std::get<std::vector<double>>(v);
}

std::vector<std::string> Deck::strings(std::string_view path) const {
  return std::get<std::vector<std::string>>(impl_->get(path, {ValueType::StringArray}, ValueType::StringArray));
}

std::string Deck::location(std::string_view path) const {
  impl_->spec(path);
  const Entry* e = impl_->entry(path);
  if (!e) return "not set";
  switch (e->origin) {
    case Origin::File: return at(impl_->source_name, e->value_pos);
    case Origin::Override: return "--set " + e->override_text;
    case Origin::Default: break;
  }
  return "default";
}

InputError Deck::error_at(std::string_view path, const std::string& what) const {
  const KeySpec& s = impl_->spec(path);
  const Entry* e = impl_->entry(path);
  const std::string subject = "key '" + s.key + "' " + in_table(s.table);
  if (!e) return InputError(subject + ": " + what);
  switch (e->origin) {
    case Origin::File: return InputError(subject + " at " + at(impl_->source_name, e->value_pos) + ": " + what);
    case Origin::Override: return InputError("bad --set '" + e->override_text + "': " + what);
    case Origin::Default: break;
  }
  return InputError(subject + " (default): " + what);
}

const std::string& Deck::source_name() const { return impl_->source_name; }
const Schema& Deck::schema() const { return impl_->schema; }

std::string Deck::to_toml() const {
  std::string out;
  emit_toml(impl_->tree(), "", out);
  return out;
}

std::string Deck::to_json() const {
  std::string out;
  emit_json(impl_->tree(), 0, out);
  return out + "\n";
}

// ---------------------------------------------------------------- nearest

std::optional<std::string> nearest(std::string_view name, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(1, name.size() / 3);
  const std::string* best = nullptr;
  std::size_t best_distance = limit + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d < best_distance) {
      best = &c;
      best_distance = d;
    }
  }
  if (!best) return std::nullopt;
  return *best;
}

}  // namespace tessera::deck
