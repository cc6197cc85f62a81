# Writes ${OUT}: a C++ source defining `std::string_view ${FUNCTION}()` in
# namespace ${NAMESPACE} that returns the text of ${IN}.
file(READ ${IN} text)
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace ${NAMESPACE} {\nstd::string_view ${FUNCTION}() {\n  return R\"sdcembed(${text})sdcembed\";\n}\n}  // namespace ${NAMESPACE}\n")
