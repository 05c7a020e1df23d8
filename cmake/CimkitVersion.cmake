# The commit a binary was built from goes into every output file
# (docs/architecture.md#output-files-and-provenance). It is read at build time, not configure time,
# so an incremental build after a commit records the new commit.
add_custom_target(cimkit_version_header
  COMMAND ${CMAKE_COMMAND}
          -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
          -DOUTPUT=${CMAKE_BINARY_DIR}/generated/devices/core/build_info.hpp
          -DVERSION=${PROJECT_VERSION}
          -P ${CMAKE_SOURCE_DIR}/cmake/write_build_info.cmake
  BYPRODUCTS ${CMAKE_BINARY_DIR}/generated/devices/core/build_info.hpp
  COMMENT "Recording the git commit")
