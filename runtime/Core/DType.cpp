//===- DType.cpp - element types of runtime tensors -----------------------===//

#include "runtime/Core/DType.h"

using namespace sieve::runtime;

size_t sieve::runtime::byteSize(DType dtype) {
  switch (dtype) {
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::I1:
    return 1;
  case DType::I64:
    return 8;
  }
  return 0;
}

const char *sieve::runtime::name(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "f32";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::I32:
    return "i32";
  case DType::I1:
    return "i1";
  case DType::I64:
    return "i64";
  }
  return "?";
}

std::optional<DType> sieve::runtime::parseDType(const std::string &text) {
  for (DType dtype :
       {DType::F32, DType::F16, DType::BF16, DType::I32, DType::I1, DType::I64})
    if (text == name(dtype))
      return dtype;
  return std::nullopt;
}
