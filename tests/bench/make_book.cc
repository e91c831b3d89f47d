// Writes the generated book of the benchmarks (book_builder.h) as a book
// file, for `pcsim audit` and its benchmark (tools/dev bench-audit):
//   make_book COUNT OUT.jsonl
#include <charconv>
#include <fstream>
#include <iostream>
#include <string>

#include "simulator/api/book_codec.h"
#include "tests/bench/book_builder.h"

int main(int argc, char** argv) {
  int count = 0;
  if (argc != 3 || std::from_chars(argv[1], argv[1] + std::char_traits<char>::length(argv[1]), count).ec != std::errc() ||
      count < 1) {
    std::cerr << "usage: make_book COUNT OUT.jsonl\n";
    return 2;
  }
  pcsim::SandboxOptions options;
  options.seed = 7;
  pcsim::Sandbox sandbox(options);
  pcsim::BuyBook(sandbox, count);
  std::ofstream out(argv[2], std::ios::binary);
  pcsim::api::WriteBookJsonLines(pcsim::api::BookOf(sandbox), out);
  out.close();
  if (!out) {
    std::cerr << "make_book: cannot write " << argv[2] << "\n";
    return 1;
  }
  return 0;
}
