# All dependencies are Debian packages installed by scripts/setup.sh. Config-mode find_package where
# the package ships a config; a small imported target otherwise.

find_package(Eigen3 3.4 CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(tomlplusplus 3 CONFIG REQUIRED)
find_package(SUNDIALS 6 CONFIG REQUIRED)

# HDF5: libsundials-dev pulls in OpenMPI and the parallel HDF5 build. cimkit writes files from one
# process, so it must link the *serial* C library, chosen here on purpose rather than by PATH order.
set(HDF5_PREFER_PARALLEL FALSE)
set(HDF5_NO_FIND_PACKAGE_CONFIG_FILE TRUE)
find_package(HDF5 REQUIRED COMPONENTS C)
if(HDF5_IS_PARALLEL)
  message(FATAL_ERROR "cimkit needs the serial HDF5 library, but CMake found a parallel one "
                      "(${HDF5_C_LIBRARIES}). Install libhdf5-dev and re-run scripts/setup.sh.")
endif()
add_library(cimkit_hdf5_serial INTERFACE IMPORTED)
target_include_directories(cimkit_hdf5_serial SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS})
target_link_libraries(cimkit_hdf5_serial INTERFACE ${HDF5_C_LIBRARIES})
target_compile_definitions(cimkit_hdf5_serial INTERFACE ${HDF5_C_DEFINITIONS})

# ngspice: only the header is used at build time. The library is dlopen()ed at run time so that the
# engine can be unloaded and reloaded after ngspice's fatal-error path
# (docs/ngspice-facts.md#reload-after-a-fatal-error).
find_package(PkgConfig REQUIRED)
pkg_check_modules(NGSPICE REQUIRED IMPORTED_TARGET ngspice>=46)
find_file(NGSPICE_SHARED_LIBRARY NAMES libngspice.so.0
          HINTS ${NGSPICE_LIBRARY_DIRS} /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE} REQUIRED)
add_library(cimkit_ngspice_headers INTERFACE IMPORTED)
target_include_directories(cimkit_ngspice_headers SYSTEM INTERFACE ${NGSPICE_INCLUDE_DIRS})
message(STATUS "ngspice ${NGSPICE_VERSION}: ${NGSPICE_SHARED_LIBRARY}")

# libseccomp: the sandbox of workers that run untrusted netlists (circuits/spice/sandbox.hpp).
pkg_check_modules(SECCOMP REQUIRED IMPORTED_TARGET libseccomp)

if(CIMKIT_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
  # h5py and matplotlib come from Debian and install for /usr/bin/python3; another python3 may come
  # first on PATH (pyenv), so prefer Debian's.
  if(EXISTS /usr/bin/python3 AND NOT Python3_EXECUTABLE)
    set(Python3_EXECUTABLE /usr/bin/python3)
  endif()
  find_package(Python3 REQUIRED COMPONENTS Interpreter)
endif()
if(CIMKIT_BUILD_BENCH)
  find_package(benchmark CONFIG REQUIRED)
endif()
