#pragma once
// Writes a small text file so that readers see the old or the new content,
// never a torn one: write `path.tmp`, fsync, rename over `path`.
#include <filesystem>
#include <string_view>

namespace tessera::io {

// `writer` tells apart processes that may write the same file at once: the
// temporary becomes `path.<writer>.tmp`.
void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           std::string_view writer = {});

}  // namespace tessera::io
