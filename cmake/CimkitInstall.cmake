# What `cmake --install` puts under <prefix>/share/cimkit beside bin/cimkit: the files the programs
# read at run time (devices/core/resource_dirs.hpp finds them from the executable's own folder), so
# an installed copy runs with the source tree gone (docs/install.md).
include(GNUInstallDirs)
set(CIMKIT_SHARE_INSTALL_DIR "${CMAKE_INSTALL_DATAROOTDIR}/cimkit")

install(FILES data/iris.csv data/README.md data/mnist.md5 DESTINATION ${CIMKIT_SHARE_INSTALL_DIR}/data)
install(PROGRAMS data/fetch_mnist.sh DESTINATION ${CIMKIT_SHARE_INSTALL_DIR}/data)
install(DIRECTORY data/experiments DESTINATION ${CIMKIT_SHARE_INSTALL_DIR}/data FILES_MATCHING PATTERN "*.toml")
# MNIST is fetched into the source tree by scripts/setup.sh; an installed copy takes it when present.
install(DIRECTORY data/mnist DESTINATION ${CIMKIT_SHARE_INSTALL_DIR}/data OPTIONAL FILES_MATCHING PATTERN "*-ubyte")
install(DIRECTORY netlists/ DESTINATION ${CIMKIT_SHARE_INSTALL_DIR}/netlists PATTERN "CMakeLists.txt" EXCLUDE)
install(DIRECTORY analysis/plot/ DESTINATION ${CIMKIT_SHARE_INSTALL_DIR}/plot FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
# The OSDI device library that ngspice loads for the `osdi` face (circuits/osdi/); a binary, so under
# lib/, where devices/core/resource_dirs.cpp looks for it (Resource::osdi).
install(TARGETS cimkit_shared_g LIBRARY DESTINATION lib/cimkit)
