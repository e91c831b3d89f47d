// pcsim book pull: a Partner Center API's customers and subscriptions as a
// book file (clients/cpp/include/pcsim/client/book_pull.h does the walk).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace pcsim::tools {

struct BookPullFlags {
  bool selected = false;  // the command line chose `book pull`
  std::string base_url;
  std::string token;
  std::string authority, client_id, client_secret, tenant;
  std::string control_token;
  std::string out;
  std::string as_of;
  std::string partner_tenant;
  std::string page_size = "100";
  std::string max_attempts = "6";
};

// Adds the verb `pull` to the `book` command, filling in `flags`.
void AddBookPull(CLI::App* book, BookPullFlags* flags);

// Runs it: 0 the book is written; 1 the server kept failing or answered what
// is not Partner Center's; 2 usage or bad input (no asOf, refused
// credentials, an output that can't be written).
int BookPull(const BookPullFlags& flags);

}  // namespace pcsim::tools
