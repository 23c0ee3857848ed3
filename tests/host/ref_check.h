/* SPDX-License-Identifier: MIT */
/*
 * tests/host/ref_check.h - what the tests that check code against the reference tables share
 * (test_vmx_reference, test_exit_reasons, test_entry_check_ref): open a table or a source file,
 * read a number or a bit range, each failing the cmocka test with a message that says what to do.
 * A test file includes the cmocka headers first.
 */
#ifndef TESTS_HOST_REF_CHECK_H
#define TESTS_HOST_REF_CHECK_H

#include <stdint.h>
#include <stdio.h>

#include "tests/host/ref_tsv.h"

/* ref_tsv_open, or fail naming the directory ($HV_REFERENCE_DIR). */
struct ref_tsv *ref_table(const char *name);
/* A file of the source tree, relative to its root ($HV_SOURCE_DIR, default "."). */
FILE *ref_source(const char *rel);
/* A number as the tables write it (decimal or 0x hex); what names it in the failure. */
uint64_t ref_number(const char *s, const char *what);
/* The mask of a bit range "hi:lo" or "n". */
uint64_t ref_bits_mask(const char *bits);

#endif
