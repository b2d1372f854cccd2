//===- TextEdits.h - editing JSON texts in the runtime's tests ------------===//

#ifndef SIEVE_TEST_RUNTIME_TEXTEDITS_H
#define SIEVE_TEST_RUNTIME_TEXTEDITS_H

#include <gtest/gtest.h>

#include <string>

namespace sieve::test {

/// `text` with the first `from` replaced by `to`; a test failure where
/// `text` has no `from` (so an edit cannot silently miss).
inline std::string replace(std::string text, const std::string &from,
                           const std::string &to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at == std::string::npos)
    return text;
  return text.replace(at, from.size(), to);
}

} // namespace sieve::test

#endif // SIEVE_TEST_RUNTIME_TEXTEDITS_H
