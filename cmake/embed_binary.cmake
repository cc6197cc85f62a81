# Writes ${OUT}: a C++ source defining `std::string_view ${FUNCTION}()` in
# namespace ${NAMESPACE} that returns the bytes of ${IN}, which may be any
# bytes at all (a WebAssembly module): they are written as an array.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" length)
math(EXPR size "${length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "(('\\\\x[0-9a-f][0-9a-f]',){32})" "\\1\n" bytes "${bytes}")
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace ${NAMESPACE} {\nnamespace {\nconstexpr char kBytes[${size}] = {\n${bytes}};\n}  // namespace\nstd::string_view ${FUNCTION}() { return {kBytes, sizeof kBytes}; }\n}  // namespace ${NAMESPACE}\n")
