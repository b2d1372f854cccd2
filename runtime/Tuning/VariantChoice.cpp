//===- VariantChoice.cpp - which tile variant runs a kernel ---------------===//

#include "runtime/Tuning/VariantChoice.h"

#include "runtime/Core/Error.h"

#include <cstdio>

using namespace sieve::runtime;

namespace {

std::string milliseconds(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g ms", ms);
  return text;
}

} // namespace

VariantChoice sieve::runtime::chooseVariant(const FunctionSpec &function,
                                            const TuningDatabase *database,
                                            const TuningKey &key,
                                            bool deterministic) {
  if (function.variantCount() == 1) {
    VariantChoice only;
    only.why = "one variant: nothing to choose";
    return only;
  }
  const TunedChoice *recorded = database ? database->find(key) : nullptr;
  std::string missing;
  if (!database)
    missing = "no tuning database";
  else if (!recorded)
    missing = "no entry for " + key.describe();
  else if (function.findVariant(recorded->tiles) < 0)
    missing = "the entry for " + key.describe() + " chose tiles '" +
              recorded->tiles + "', which this bundle does not hold";
  if (missing.empty()) {
    VariantChoice choice;
    choice.variant =
        static_cast<size_t>(function.findVariant(recorded->tiles));
    choice.tuned = true;
    choice.why = "tuned: " + recorded->tiles + " (" +
                 milliseconds(recorded->medianMs.at(recorded->tiles)) + ")";
    return choice;
  }
  if (deterministic)
    throw Error("deterministic mode runs only recorded choices: " + missing +
                " (run sieve tune for this GPU, model and token count)");
  VariantChoice choice;
  choice.why = "default: " + function.variants[0].tiles + " (" + missing + ")";
  return choice;
}
