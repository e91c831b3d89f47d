# pcsim est-report through the real binary: the audit CSV of a book, refused
# before the download date, exit code 2 for bad input.
# Run by ctest: cmake -DPCSIM=<pcsim> -DWORK=<temp dir> -P est_report_cli.cmake
file(MAKE_DIRECTORY "${WORK}")
file(WRITE "${WORK}/book.yaml" "scenario: a small book
start: 2026-05-10
customers:
  - ref: contoso
steps:
  - purchase: {customer: contoso, item: CFQ7TTC0LFLZ:0001:CFQ7TTC0K5F7, quantity: 10, term: P1Y, billing: monthly, ref: e3}
  - purchase: {customer: contoso, item: CFQ7TTC0LH18:0001:CFQ7TTC0K971, quantity: 5, term: P1M, billing: monthly, ref: basic}
  - set-auto-renew: {subscription: basic, enabled: false}
")
execute_process(COMMAND "${PCSIM}" est-report "${WORK}/book.yaml" --compare-to-renewal
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "est-report failed (${rc}): ${err}")
endif()
# Business Basic ends 2026-06-09 with auto-renew off: EST at 7.20 x 1.03 = 7.42 per seat, 37.10 for 5,
# against 36.00 to renew for a month; it comes before the E3 row (ends 2027-05-09).
string(FIND "${out}" ",2026-06-09,false,,,false,true,EST,USD,7.42,37.10,P1M,monthly,7.20,36.00,1.10" est_row)
string(FIND "${out}" ",2027-05-09,true," renew_row)
if(est_row EQUAL -1 OR renew_row EQUAL -1 OR NOT est_row LESS renew_row)
  message(FATAL_ERROR "unexpected audit CSV:\n${out}")
endif()
# The same book under another enforcement date: no longer eligible, so the grace path.
execute_process(COMMAND "${PCSIM}" est-report "${WORK}/book.yaml" --policy-override est.enforcementDate=2026-07-01
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(FIND "${out}" ",2026-06-09,false,,,false,false,Grace," grace_row)
if(NOT rc EQUAL 0 OR grace_row EQUAL -1)
  message(FATAL_ERROR "the what-if run did not take the grace path (${rc}):\n${out}${err}")
endif()
# Before the audit download date: refused, exit 2.
file(WRITE "${WORK}/early.yaml" "scenario: early\nstart: 2026-02-01\nsteps: []\n")
execute_process(COMMAND "${PCSIM}" est-report "${WORK}/early.yaml" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "available from 2026-02-27")
  message(FATAL_ERROR "expected exit 2 before 2026-02-27, got ${rc}: ${err}")
endif()
execute_process(COMMAND "${PCSIM}" est-report "${WORK}/early.yaml" --at 2026-03-01 RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^PartnerId,")
  message(FATAL_ERROR "--at 2026-03-01 should produce the CSV (${rc}): ${out}")
endif()
execute_process(COMMAND "${PCSIM}" est-report RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "est-report without a file should exit 2, got ${rc}")
endif()
