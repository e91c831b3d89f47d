# Finds cpp-httplib's compiled library (Debian's libcpp-httplib-dev ships
# httplib.h and libcpp-httplib.so, but no CMake package) and defines the
# imported target CppHttplib::CppHttplib. pcsim's build uses it, and its
# package configuration (pcsimConfig.cmake) finds it again on the consumer's
# machine, so that the exported targets name no path of the build machine.
find_path(CppHttplib_INCLUDE_DIR httplib.h)
find_library(CppHttplib_LIBRARY NAMES cpp-httplib)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CppHttplib REQUIRED_VARS CppHttplib_LIBRARY CppHttplib_INCLUDE_DIR)
mark_as_advanced(CppHttplib_INCLUDE_DIR CppHttplib_LIBRARY)
if(CppHttplib_FOUND AND NOT TARGET CppHttplib::CppHttplib)
  add_library(CppHttplib::CppHttplib UNKNOWN IMPORTED)
  set_target_properties(CppHttplib::CppHttplib PROPERTIES
    IMPORTED_LOCATION "${CppHttplib_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CppHttplib_INCLUDE_DIR}")
endif()
