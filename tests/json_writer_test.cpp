#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "io/json_writer.hpp"

using tessera::io::JsonWriter;

TEST(JsonWriter, NestsAndEscapes) {
  JsonWriter w;
  w.begin_object();
  w.key("name").value("a \"quoted\"\nline");
  w.key("n").value(3);
  w.key("x").value(0.1);
  w.key("bad").value(std::numeric_limits<double>::quiet_NaN());
  w.key("list").begin_array().value(true).value(false).end_array();
  w.key("empty").begin_object().end_object();
  w.end_object();
  EXPECT_EQ(w.str(),
            "{\n"
            "  \"name\": \"a \\\"quoted\\\"\\nline\",\n"
            "  \"n\": 3,\n"
            "  \"x\": 0.10000000000000001,\n"
            "  \"bad\": null,\n"
            "  \"list\": [\n"
            "    true,\n"
            "    false\n"
            "  ],\n"
            "  \"empty\": {}\n"
            "}");
}

TEST(JsonWriter, RawValuesAreReindented) {
  JsonWriter w;
  w.begin_object().key("deck").raw("{\n  \"a\": 1\n}").end_object();
  EXPECT_EQ(w.str(), "{\n  \"deck\": {\n    \"a\": 1\n  }\n}");
}
