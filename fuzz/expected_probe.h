// Preprocessed by fuzz/CMakeLists.txt to find the path of libstdc++'s <expected>.
#include <expected>
