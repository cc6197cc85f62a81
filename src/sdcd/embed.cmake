# Writes ${OUT}: a C++ source defining sdcd_openapi_yaml() from the text of ${IN}.
file(READ ${IN} text)
file(WRITE ${OUT} "// Generated from docs/openapi.yaml; do not edit.\n#include <string_view>\nstd::string_view sdcd_openapi_yaml() {\n  return R\"sdcdopenapi(${text})sdcdopenapi\";\n}\n")
