#!/usr/bin/env bash
# Installs the Debian packages Sieve's build and tests need, when they are
# missing; does nothing when all are present. Run as root or with sudo.
#
# The CUDA toolkit is optional and not a Debian package here: the build
# detects it when present.
set -euo pipefail

packages=(
  cmake ninja-build g++ python3          # build driver and lit's interpreter
  llvm-22-dev libmlir-22-dev             # LLVM/MLIR 22 headers, libLLVM.so, libMLIR.so
  mlir-22-tools llvm-22-tools            # mlir-tblgen; FileCheck, lit, not
  libfmt-dev libgtest-dev                # fmt, GoogleTest
  libomp-22-dev                          # OpenMP runtime the host kernels use
  nlohmann-json3-dev                     # the runtime's manifest reader
  libyaml-cpp-dev                        # the model-description reader
  python3-torch python3-yaml             # PyTorch cross-checks (Debian's python3)
  libopenblas-dev                        # the model's dense layers; the benchmarks' baseline
  zlib1g-dev dict-gcide                  # the default corpus (GCIDE, gzip-compressed)
  libsentencepiece-dev                   # subword tokenizers (WikiText-103, C4, peS2o)
  python3-matplotlib                     # sieve analyze's plots (Debian's python3)
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup: all ${#packages[@]} required Debian packages are installed"
  exit 0
fi

echo "setup: installing ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "setup: error: need root (or sudo) to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have stale or empty package lists: update and retry.
if ! "${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
  "${as_root[@]}" apt-get update
  "${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
