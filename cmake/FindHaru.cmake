# Finds libharu (Debian's libhpdf-dev ships hpdf.h and libhpdf.so, but no
# CMake package nor pkg-config file) and defines the imported target
# Haru::hpdf. pcsim's build uses it for the invoice statement PDF, and its
# package configuration (pcsimConfig.cmake) finds it again on the consumer's
# machine, so that the exported targets name no path of the build machine.
find_path(Haru_INCLUDE_DIR hpdf.h)
find_library(Haru_LIBRARY NAMES hpdf)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Haru REQUIRED_VARS Haru_LIBRARY Haru_INCLUDE_DIR)
mark_as_advanced(Haru_INCLUDE_DIR Haru_LIBRARY)
if(Haru_FOUND AND NOT TARGET Haru::hpdf)
  add_library(Haru::hpdf UNKNOWN IMPORTED)
  set_target_properties(Haru::hpdf PROPERTIES
    IMPORTED_LOCATION "${Haru_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Haru_INCLUDE_DIR}")
endif()
