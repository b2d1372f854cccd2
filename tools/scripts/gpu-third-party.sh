#!/usr/bin/env bash
# Copies the Debian libraries and headers a GPU node without them needs
# into DIR/lib and DIR/include:
#   tools/scripts/gpu-third-party.sh DIR            libomp (the host side of
#                                                   bundles), nlohmann/json
#   tools/scripts/gpu-third-party.sh DIR --trainer  also what sieve-gpu-train
#                                                   links: yaml-cpp, OpenBLAS
#                                                   (with libgfortran,
#                                                   libquadmath), SentencePiece,
#                                                   zlib
# Each library goes with its soname and an unversioned link for the linker.
set -euo pipefail
dir=$1
lib=/usr/lib/x86_64-linux-gnu
mkdir -p "$dir/lib" "$dir/include"

# copy FILE [LINKNAME]: the real file under its own name, plus LINKNAME.
copy() {
  cp -L "$1" "$dir/lib/"
  [[ -z ${2:-} ]] || ln -sf "$(basename "$1")" "$dir/lib/$2"
}

copy "$lib/libomp.so.5"
cp -r /usr/include/nlohmann "$dir/include/"
[[ ${2:-} == --trainer ]] || exit 0

copy "$lib/libyaml-cpp.so.0.7" libyaml-cpp.so
cp -r /usr/include/yaml-cpp "$dir/include/"
copy "$lib/openblas-pthread/libopenblas.so.0" libopenblas.so
copy "$lib/libgfortran.so.5"
copy "$lib/libquadmath.so.0"
cp /usr/include/x86_64-linux-gnu/openblas-pthread/{cblas.h,openblas_config.h} \
  "$dir/include/"
copy "$lib/libsentencepiece.so.0" libsentencepiece.so
copy "$lib/libsentencepiece_train.so.0" libsentencepiece_train.so
cp /usr/include/sentencepiece_{processor,trainer}.h "$dir/include/"
copy "$lib/libz.so.1" libz.so
cp /usr/include/{zlib,zconf}.h "$dir/include/"
