# Installs pcsim, checks the installed package, builds the README's consumer
# project against it and runs its test:
#   cmake -DPCSIM_BUILD_DIR=... -DREADME=README.md -DCONSUMER_SOURCE=project -DWORK_DIR=...
#         -DCXX_COMPILER=... -P run_consumer.cmake
# The project's CMakeLists.txt is the README's block between
# <!-- consumer-cmake:start --> and <!-- consumer-cmake:end -->, as written;
# its source is CONSUMER_SOURCE/billing_tests.cc.
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install "${PCSIM_BUILD_DIR}" --prefix "${prefix}")

# The exported targets carry their requirements: C++20 as a compile feature,
# and no path of this machine in what they link (packages are found again by
# pcsimConfig.cmake).
file(GLOB_RECURSE targets_file "${prefix}/*/pcsimTargets.cmake")
if(NOT targets_file)
  message(FATAL_ERROR "no pcsimTargets.cmake under ${prefix}")
endif()
file(READ "${targets_file}" targets)
string(REGEX MATCHALL "INTERFACE_LINK_LIBRARIES \"[^\"]*\"" link_lists "${targets}")
if(NOT link_lists)
  message(FATAL_ERROR "${targets_file} has no INTERFACE_LINK_LIBRARIES")
endif()
foreach(links IN LISTS link_lists)
  if(links MATCHES "(^|\"|;|:|>)/")
    message(FATAL_ERROR "${targets_file} names an absolute path: ${links}")
  endif()
endforeach()
foreach(target simulator api http replay client gtest)
  string(REGEX MATCH "set_target_properties\\(pcsim::${target} PROPERTIES[^)]*INTERFACE_COMPILE_FEATURES \"cxx_std_20\""
         feature "${targets}")
  if(NOT feature)
    message(FATAL_ERROR "pcsim::${target} does not carry cxx_std_20 in ${targets_file}")
  endif()
endforeach()

# The README's CMakeLists.txt, as written.
file(READ "${README}" readme)
string(REGEX MATCH "<!-- consumer-cmake:start -->\n```cmake\n(.*)```\n<!-- consumer-cmake:end -->" block "${readme}")
if(NOT block)
  message(FATAL_ERROR "no ```cmake block between <!-- consumer-cmake:start --> and <!-- consumer-cmake:end --> in ${README}")
endif()
set(source "${WORK_DIR}/source")
file(WRITE "${source}/CMakeLists.txt" "${CMAKE_MATCH_1}")
file(COPY "${CONSUMER_SOURCE}/billing_tests.cc" DESTINATION "${source}")

run(${CMAKE_COMMAND} -S "${source}" -B "${WORK_DIR}/build" -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
execute_process(COMMAND "${WORK_DIR}/build/billing_tests" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the consumer's test failed (${rc})")
endif()
string(FIND "${out}" "[  PASSED  ] 1 test." passed)
if(passed EQUAL -1)
  message(FATAL_ERROR "the consumer's test did not run exactly one passing test")
endif()
