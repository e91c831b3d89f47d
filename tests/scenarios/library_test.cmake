# The scenario library as a test (run by ctest in script mode):
#
#   cmake -DPCSIM=<path to pcsim> -DSOURCE=<repo root> [-DWORK_DIR=<scratch dir>]
#         -P tests/scenarios/library_test.cmake
#
# (a) `pcsim replay SOURCE/scenarios` exits 0 and its last line is "N passed, 0 failed";
# (b) every file in SOURCE/tests/scenarios/broken is rejected: exit code 2, and stderr names
#     "FILE:LINE:" and the substring promised by the file's first line,
#     "# expect: LINE: SUBSTRING";
# (c) replays are deterministic: the library run with --report and --junit (--junit-time zero)
#     into two folders, once with --jobs 2 and once with --jobs 1, gives byte-identical report
#     folders and identical stdout; (c2) without --junit-time zero, JUnit's time attributes are
#     the wall time in seconds;
# (d) a scenario path that does not exist is exit 2, named with "no such file" and no ":0".
cmake_minimum_required(VERSION 3.16)

foreach(var PCSIM SOURCE)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "library_test.cmake: pass -D${var}=...")
  endif()
endforeach()
if(NOT EXISTS "${PCSIM}")
  message(FATAL_ERROR "library_test.cmake: no pcsim binary at ${PCSIM}")
endif()
if(NOT DEFINED WORK_DIR OR "${WORK_DIR}" STREQUAL "")
  set(WORK_DIR "${CMAKE_CURRENT_BINARY_DIR}/scenario-library-test")
endif()
set(LIBRARY "${SOURCE}/scenarios")
set(BROKEN "${SOURCE}/tests/scenarios/broken")

# The last non-empty line of `text`, in `out`.
function(last_line text out)
  string(REGEX REPLACE "[\r\n]+$" "" trimmed "${text}")
  string(FIND "${trimmed}" "\n" pos REVERSE)
  if(pos EQUAL -1)
    set(line "${trimmed}")
  else()
    math(EXPR start "${pos} + 1")
    string(SUBSTRING "${trimmed}" ${start} -1 line)
  endif()
  set(${out} "${line}" PARENT_SCOPE)
endfunction()

# --- (a) the library passes -------------------------------------------------------------
execute_process(
  COMMAND "${PCSIM}" replay "${LIBRARY}"
  RESULT_VARIABLE library_rc
  OUTPUT_VARIABLE library_out
  ERROR_VARIABLE library_err)
last_line("${library_out}" library_last)
if(NOT library_rc EQUAL 0 OR NOT library_last MATCHES "^[0-9]+ passed, 0 failed$")
  message(FATAL_ERROR
    "(a) pcsim replay ${LIBRARY} must exit 0 and end with \"N passed, 0 failed\".\n"
    "exit code: ${library_rc}\nlast line: ${library_last}\n"
    "--- stdout ---\n${library_out}\n--- stderr ---\n${library_err}")
endif()
message(STATUS "(a) scenario library: ${library_last}")

# --- (b) every broken file is rejected where and why it says --------------------------
file(GLOB broken_files LIST_DIRECTORIES false "${BROKEN}/*.yaml" "${BROKEN}/*.yml" "${BROKEN}/*.json")
list(SORT broken_files)
list(LENGTH broken_files broken_count)
if(broken_count EQUAL 0)
  message(FATAL_ERROR "(b) no broken scenarios found in ${BROKEN}")
endif()
set(broken_failures "")
foreach(file IN LISTS broken_files)
  file(STRINGS "${file}" first_lines LIMIT_COUNT 1)
  list(GET first_lines 0 first_line)
  if(NOT first_line MATCHES "^# expect: ([0-9]+): (.+)$")
    string(APPEND broken_failures
      "\n${file}: the first line must be \"# expect: LINE: SUBSTRING\", found \"${first_line}\"")
    continue()
  endif()
  set(expected_line "${CMAKE_MATCH_1}")
  set(expected_text "${CMAKE_MATCH_2}")
  execute_process(
    COMMAND "${PCSIM}" replay "${file}"
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err)
  set(location "${file}:${expected_line}:")
  string(FIND "${err}" "${location}" location_at)
  string(FIND "${err}" "${expected_text}" text_at)
  if(NOT rc EQUAL 2 OR location_at EQUAL -1 OR text_at EQUAL -1)
    string(APPEND broken_failures
      "\n${file}: expected exit code 2 and stderr with \"${location}\" and \"${expected_text}\";"
      "\n  exit code: ${rc}\n  stderr: ${err}  stdout: ${out}")
  endif()
endforeach()
if(NOT broken_failures STREQUAL "")
  message(FATAL_ERROR "(b) broken scenarios not rejected as promised:${broken_failures}")
endif()
message(STATUS "(b) ${broken_count} broken scenarios rejected with the promised file, line and reason")

# --- (c) reports and output are deterministic -------------------------------------------
set(report_a "${WORK_DIR}/report-jobs2")
set(report_b "${WORK_DIR}/report-jobs1")
file(REMOVE_RECURSE "${report_a}" "${report_b}")
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(
  COMMAND "${PCSIM}" replay "${LIBRARY}" --report "${report_a}" --jobs 2 --junit "${report_a}.xml" --junit-time zero
  RESULT_VARIABLE rc_a
  OUTPUT_VARIABLE out_a
  ERROR_VARIABLE err_a)
execute_process(
  COMMAND "${PCSIM}" replay "${LIBRARY}" --report "${report_b}" --jobs 1 --junit "${report_b}.xml" --junit-time zero
  RESULT_VARIABLE rc_b
  OUTPUT_VARIABLE out_b
  ERROR_VARIABLE err_b)
if(NOT rc_a EQUAL 0 OR NOT rc_b EQUAL 0)
  message(FATAL_ERROR
    "(c) both report runs must exit 0: --jobs 2 gave ${rc_a}, --jobs 1 gave ${rc_b}\n"
    "--- stderr (--jobs 2) ---\n${err_a}\n--- stderr (--jobs 1) ---\n${err_b}")
endif()
if(NOT out_a STREQUAL out_b)
  message(FATAL_ERROR
    "(c) stdout differs between --jobs 2 and --jobs 1\n"
    "--- --jobs 2 ---\n${out_a}\n--- --jobs 1 ---\n${out_b}")
endif()
file(GLOB_RECURSE files_a LIST_DIRECTORIES false RELATIVE "${report_a}" "${report_a}/*")
file(GLOB_RECURSE files_b LIST_DIRECTORIES false RELATIVE "${report_b}" "${report_b}/*")
list(SORT files_a)
list(SORT files_b)
if(files_a STREQUAL "")
  message(FATAL_ERROR "(c) --report ${report_a} wrote no files")
endif()
if(NOT files_a STREQUAL files_b)
  message(FATAL_ERROR
    "(c) the report folders hold different files\n"
    "--- ${report_a} ---\n${files_a}\n--- ${report_b} ---\n${files_b}")
endif()
set(differing "")
foreach(relative IN LISTS files_a)
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E compare_files "${report_a}/${relative}" "${report_b}/${relative}"
    RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    string(APPEND differing "\n  ${relative}")
  endif()
endforeach()
if(NOT differing STREQUAL "")
  message(FATAL_ERROR
    "(c) report files differ between --jobs 2 (${report_a}) and --jobs 1 (${report_b}):${differing}")
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E compare_files "${report_a}.xml" "${report_b}.xml"
  RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "(c) JUnit files differ between --jobs 2 and --jobs 1 with --junit-time zero")
endif()
list(LENGTH files_a report_count)
message(STATUS "(c) ${report_count} report files and the JUnit file byte-identical across --jobs 2 and 1; stdout identical")
file(REMOVE_RECURSE "${report_a}" "${report_b}" "${report_a}.xml" "${report_b}.xml")

# --- (c2) by default JUnit's time is the wall time the replay took -------------------------
set(junit "${WORK_DIR}/junit-wall.xml")
file(REMOVE "${junit}")
execute_process(
  COMMAND "${PCSIM}" replay "${LIBRARY}/nce" --junit "${junit}"
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
file(READ "${junit}" junit_text)
# (the testcases, the testsuite and the testsuites each have one)
string(REGEX MATCHALL " time=\"[0-9]+\\.[0-9][0-9][0-9]\"" timed "${junit_text}")
string(REGEX MATCHALL "<testcase " cases "${junit_text}")
list(LENGTH timed timed_count)
list(LENGTH cases case_count)
math(EXPR expected_timed "${case_count} + 2")
if(NOT rc EQUAL 0 OR case_count EQUAL 0 OR NOT timed_count EQUAL expected_timed)
  message(FATAL_ERROR "(c2) --junit must give every testcase and the testsuite a time in seconds\n"
                      "exit code: ${rc}\n${junit_text}\n${err}")
endif()
message(STATUS "(c2) JUnit: ${case_count} testcases timed on the wall clock")

# --- (d) a missing file is named, without a line -------------------------------------------
set(missing "${WORK_DIR}/no-such-scenario.yaml")
file(REMOVE "${missing}")
foreach(verb replay est-report)
  execute_process(
    COMMAND "${PCSIM}" ${verb} "${missing}"
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err)
  string(TOLOWER "${err}" err_lower)
  string(FIND "${err_lower}" "no such file" reason_at)
  string(FIND "${err}" "${missing}:0" line_at)
  if(NOT rc EQUAL 2 OR reason_at EQUAL -1 OR NOT line_at EQUAL -1)
    message(FATAL_ERROR
      "(d) pcsim ${verb} ${missing} must exit 2 and say \"no such file\" without \":0\"\n"
      "exit code: ${rc}\n--- stderr ---\n${err}")
  endif()
endforeach()
message(STATUS "(d) a missing scenario file is named without a line")
