//===- AttentionShape.h - the sizes of one relative-attention call --------===//
//
// Shared by the host attention (models/lm/RelativeAttention.h) and the
// device program's (DeviceAttention.h).
//
//===----------------------------------------------------------------------===//

#ifndef SIEVE_MODELS_LM_DEVICE_ATTENTIONSHAPE_H
#define SIEVE_MODELS_LM_DEVICE_ATTENTIONSHAPE_H

#include <cstdint>

namespace sieve::lm {

struct AttentionShape {
  int64_t batch, tokens, memory, dModel, heads, headSize;
  int64_t keys() const { return memory + tokens; }
  int64_t width() const { return heads * headSize; }
};

} // namespace sieve::lm

#endif // SIEVE_MODELS_LM_DEVICE_ATTENTIONSHAPE_H
