# Writes INPUT's text into OUTPUT as a C++ function returning it
# (FUNCTION, in NAMESPACE): CUDA sources compiled by NVRTC at run time are
# kept as .cu files and embedded at build time.
file(READ "${INPUT}" text)
file(WRITE "${OUTPUT}"
  "// Generated from ${INPUT} by EmbedSource.cmake; do not edit.\n"
  "#include <string>\n"
  "namespace ${NAMESPACE} {\n"
  "const std::string &${FUNCTION}() {\n"
  "  static const std::string text = R\"sieve_embedded(${text})sieve_embedded\";\n"
  "  return text;\n"
  "}\n"
  "} // namespace ${NAMESPACE}\n")
