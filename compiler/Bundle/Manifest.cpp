//===- Manifest.cpp - the manifest of a kernel bundle ---------------------===//

#include "compiler/Bundle/Manifest.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::sieve;

static const char *kindName(ArgumentKind kind) {
  switch (kind) {
  case ArgumentKind::Input:
    return "input";
  case ArgumentKind::Scalar:
    return "scalar";
  case ArgumentKind::Output:
    return "output";
  }
  return "input";
}

std::string mlir::sieve::renderManifest(const BundleManifest &manifest) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::json::OStream json(os, /*IndentSize=*/2);
  json.object([&] {
    json.attribute("format", "sieve-bundle");
    json.attribute("version", kBundleFormatVersion);
    json.attributeObject("target", [&] {
      json.attribute("name", manifest.targetName);
      json.attribute("description", manifest.targetDescription);
    });
    json.attribute("library", manifest.library);
    json.attribute("library_sha256", manifest.librarySha256);
    json.attribute("cache_key", manifest.cacheKey);
    json.attribute("source", manifest.source);
    json.attributeObject("tunables", [&] {
      for (const auto &[name, value] : manifest.tunables)
        json.attribute(name, value);
    });
    if (!manifest.ptxFiles.empty())
      json.attributeArray("ptx", [&] {
        for (const std::string &file : manifest.ptxFiles)
          json.value(file);
      });
    json.attributeArray("functions", [&] {
      for (const EntryPoint &entry : manifest.entryPoints) {
        json.object([&] {
          json.attribute("name", entry.name);
          json.attribute("symbol", entry.symbol);
          json.attributeArray("arguments", [&] {
            for (const BundleArgument &arg : entry.arguments) {
              json.object([&] {
                json.attribute("name", arg.name);
                json.attribute("kind", kindName(arg.kind));
                json.attribute("dtype", arg.dtype);
                if (arg.kind == ArgumentKind::Scalar)
                  return;
                json.attributeArray("shape", [&] {
                  for (const SymbolicDim &dim : arg.shape) {
                    if (dim.tokens == 0)
                      json.value(dim.constant);
                    else
                      json.value(dim.str());
                  }
                });
              });
            }
          });
          if (entry.variants.empty())
            return;
          json.attributeArray("variants", [&] {
            for (const EntryVariant &variant : entry.variants)
              json.object([&] {
                json.attribute("symbol", variant.symbol);
                json.attribute("tiles", variant.tiles);
              });
          });
        });
      }
    });
  });
  os << "\n";
  return text;
}
