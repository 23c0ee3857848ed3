/* SPDX-License-Identifier: MIT */
/*
 * tests/host/test_ept_model.h - reference model of an EPT mapping for the
 * property test and the ops fuzzer: a sorted array of maximal runs (one run
 * = consecutive guest pages mapping consecutive host pages with identical
 * attributes), plus checkers that compare a struct ept against it.
 */
#ifndef HV_TEST_EPT_MODEL_H
#define HV_TEST_EPT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ept/ept.h"

struct mrun {
	gpa_t start, end;   /* [start, end), 4 KiB aligned */
	hpa_t hpa;          /* host address of start */
	unsigned perm, memtype;
	bool ipat;
};

struct ept_model {
	struct mrun *runs;
	size_t n, cap;
	struct ept_caps caps;
};

void model_init(struct ept_model *m, const struct ept_caps *caps);
/* The error map/protect must return for attributes a under caps c, validation first (docs/ept.md). */
int model_attr_err(const struct ept_caps *c, struct ept_attr a);
void model_fini(struct ept_model *m);
void model_map(struct ept_model *m, gpa_t gpa, hpa_t hpa, uint64_t size, struct ept_attr a);
void model_unmap(struct ept_model *m, gpa_t gpa, uint64_t size);
/* Caller checks model_all_mapped() first. */
void model_protect(struct ept_model *m, gpa_t gpa, uint64_t size, struct ept_attr a);
bool model_any_mapped(const struct ept_model *m, gpa_t gpa, uint64_t size);
bool model_all_mapped(const struct ept_model *m, gpa_t gpa, uint64_t size);
/* The run holding gpa, or NULL. */
const struct mrun *model_lookup(const struct ept_model *m, gpa_t gpa);
/* Stats a canonical (minimal) table tree for this mapping must have. */
void model_expect(const struct ept_model *m, struct ept_stats *out);

/* 0 if e agrees with m on gpa; else a short reason in why. */
int model_check_translate(const struct ept *e, const struct ept_model *m, gpa_t gpa,
			  char *why, size_t len);
/*
 * Full check: walk every reachable table of e (entry format, reachable table
 * count), compare its leaves with the model's runs, and stats with
 * model_expect().  0 if all agree; else a reason in why.
 */
int model_check_full(const struct ept *e, const struct ept_model *m, char *why, size_t len);

/* Every reachable table (address + 512 entries, in walk order) and the stats.
 * Zero-initialise once; ept_snapshot_take() reuses the buffer. */
struct ept_snapshot {
	uint64_t *words;
	size_t n, cap;
	struct ept_stats stats;
	hpa_t root;
};
void ept_snapshot_take(const struct ept *e, struct ept_snapshot *s);
bool ept_snapshot_equal(const struct ept_snapshot *a, const struct ept_snapshot *b);
void ept_snapshot_free(struct ept_snapshot *s);

#endif /* HV_TEST_EPT_MODEL_H */
