# Build description compiled into the binary (tessera --version / info, run.json).
find_package(Git QUIET)
set(TESSERA_GIT_COMMIT "unknown")
if(GIT_FOUND AND EXISTS "${PROJECT_SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --dirty --abbrev=12
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                  OUTPUT_VARIABLE TESSERA_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT TESSERA_GIT_COMMIT)
    set(TESSERA_GIT_COMMIT "unknown")
  endif()
endif()
set(TESSERA_CUDA_VERSION "none")
if(TESSERA_HAVE_CUDA)
  set(TESSERA_CUDA_VERSION "${CMAKE_CUDA_COMPILER_VERSION}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/build_info.hpp.in ${PROJECT_BINARY_DIR}/generated/tessera/build_info.hpp @ONLY)
