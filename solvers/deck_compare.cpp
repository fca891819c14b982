#include "solvers/deck_compare.hpp"

#include <set>

namespace tessera {

namespace {

bool drives_the_run(const std::string& table, const std::string& key) {
  static const std::set<std::string> free_tables = {"run", "output", "checkpoint", "parallel"};
  const std::string top = table.substr(0, table.find('.'));
  return free_tables.count(top) && !(table == "run" && key == "solver");
}

std::string text(const deck::Deck& d, const std::string& path, deck::ValueType type) {
  if (!d.has(path)) return "unset";
  // Integers given for float keys compare as floats: 2 and 2.0 are the same.
  if (type == deck::ValueType::Float) return deck::to_string(deck::Value(d.real(path)));
  if (type == deck::ValueType::FloatArray) return deck::to_string(deck::Value(d.reals(path)));
  return deck::to_string(*d.value(path));
}

}  // namespace

std::vector<std::string> physics_differences(const deck::Deck& current, const deck::Deck& checkpointed) {
  std::vector<std::string> out;
  const deck::Schema& schema = current.schema();
  for (const auto& table : schema.table_names())
    for (const deck::KeySpec* k : schema.keys_of(table)) {
      if (drives_the_run(table, k->key)) continue;
      const std::string path = table + "." + k->key;
      const std::string now = text(current, path, k->type);
      const std::string then = checkpointed.schema().find(table, k->key) ? text(checkpointed, path, k->type) : "unset";
      if (now != then)
        out.push_back("[" + table + "] " + k->key + " is " + now + " in the deck but " + then + " in the checkpoint");
    }
  return out;
}

}  // namespace tessera
