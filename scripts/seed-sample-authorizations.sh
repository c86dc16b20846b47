#!/usr/bin/env bash
# Records the prior authorizations the sample encounters refer to (Samples/README.md), through the CLI.
set -euo pipefail
claims=${1:-.build/debug/claims}
add() { "$claims" preauth add --by front-desk "$@" >/dev/null; }
add --patient PT-1001 --payer bcbs-il --service spravato --status approved --auth-number BCB-778812 --units 8 --start 2026-10-01 --end 2026-11-30 --note "TRD induction"
add --patient PT-1003 --payer cigna --service spravato --status approved --auth-number CIG-55120 --units 12 --start 2026-11-01 --end 2027-04-30
add --patient PT-1007 --payer ny-medicaid --service tms --status approved --auth-number NYM-90210 --units 36 --start 2026-11-01 --end 2027-01-31
add --patient PT-1006 --payer aetna --service tms --status approved --auth-number AET-3001 --units 36 --start 2026-10-15 --end 2027-01-15
add --patient PT-1006 --payer aetna --service sgb --status approved --auth-number AET-3002 --units 1 --start 2026-11-01 --end 2026-12-31
add --patient PT-1012 --payer uhc --service tms --status approved --auth-number UHC-7781 --units 30 --start 2026-11-01 --end 2027-02-28
add --patient PT-1012 --payer uhc --service spravato --status pending --note "payer asked for PHQ-9 history"
add --patient PT-1010 --payer meridian-il --service spravato --status denied --auth-number MER-4410 --note "TRD not documented"
add --patient PT-1002 --payer aetna --service spravato --status approved --auth-number AET-2990 --units 8 --start 2026-08-01 --end 2026-10-31
add --patient PT-1009 --payer il-medicaid --service spravato --status submitted --start 2026-11-01 --end 2027-04-30
