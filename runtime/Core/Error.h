//===- Error.h - the runtime's error type ---------------------------------===//
//
// The runtime reports bad input (a wrong tensor shape, a corrupt bundle, a
// missing symbol) by throwing sieve::runtime::Error with a message that says
// what and where. It never asserts on input.
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_RUNTIME_CORE_ERROR_H
#define SIEVE_RUNTIME_CORE_ERROR_H

#include <stdexcept>
#include <string>

namespace sieve::runtime {

class Error : public std::runtime_error {
public:
  explicit Error(const std::string &message) : std::runtime_error(message) {}
};

} // namespace sieve::runtime

#endif // SIEVE_RUNTIME_CORE_ERROR_H
