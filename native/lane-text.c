// The lane's text: a growable buffer, numbers as JSON.stringify writes them, addresses as address-text.ts does.
#include "lane.h"

#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void text_grow(lane_text *t, size_t more) {
	size_t capacity = t->capacity == 0 ? 4096 : t->capacity;
	while (capacity < t->length + more) capacity *= 2;
	char *data = realloc(t->data, capacity);
	if (data == NULL) abort(); // out of memory: nothing sensible is left to do
	t->data = data;
	t->capacity = capacity;
}

void text_uint(lane_text *t, uint64_t n) {
	char digits[24];
	int k = 0;
	do {
		digits[k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	text_reserve(t, (size_t)k);
	char *at = t->data + t->length;
	t->length += (size_t)k;
	while (k > 0) *at++ = digits[--k];
}

char *lane_strndup(const char *s, size_t n) {
	char *copy = malloc(n + 1);
	if (copy == NULL) abort();
	memcpy(copy, s, n);
	copy[n] = 0;
	return copy;
}

/** Transparent huge pages' size on x86-64 and arm64 (4 KiB base pages). */
#define HUGE_PAGE ((size_t)2 << 20)

/*
 * Decision (issue 6): a page fault costs ~6 µs on this kind of VM, and the bench's capture touched ~90 MB
 * of fresh memory (~23,000 faults, ~15% of `capture -r`'s time). The lane's bulk memory (the arena, the
 * name table) is mapped here and advised onto 2 MiB pages (the usual setting is "madvise"): one fault a
 * huge page. Where the kernel refuses, they are ordinary pages, as before.
 */
void *lane_huge_alloc(size_t *n) {
	size_t size = (*n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	// Mapped with a huge page of slack, then trimmed to an aligned start: only aligned ranges get huge pages.
	uint8_t *raw = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) abort(); // out of memory: nothing sensible is left to do
	uint8_t *start = (uint8_t *)(((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	if (start > raw) munmap(raw, (size_t)(start - raw));
	size_t tail = (size_t)(raw + size + HUGE_PAGE - (start + size));
	if (tail > 0) munmap(start + size, tail);
	madvise(start, size, MADV_HUGEPAGE);
	*n = size;
	return start;
}

void *lane_huge_grow(void *p, size_t old_size, size_t *n) {
	if (p == NULL) return lane_huge_alloc(n);
	size_t size = (*n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	if (size <= old_size) {
		*n = old_size;
		return p;
	}
	// A fresh aligned mapping and one copy: mremap would keep the contents but not the alignment.
	void *grown = lane_huge_alloc(&size);
	memcpy(grown, p, old_size);
	munmap(p, old_size);
	*n = size;
	return grown;
}

void lane_huge_free(void *p, size_t n) {
	if (p != NULL) munmap(p, n);
}

/**
 * The shortest decimal digits that read back as v (ECMAScript Number::toString's k and n): tries 1 to 17
 * significant digits, each correctly rounded by printf, the first that strtod reads back exactly.
 */
static void shortest_digits(double v, char *digits, int *k, int *n) {
	char buffer[40];
	for (int precision = 1; precision <= 17; precision++) {
		snprintf(buffer, sizeof buffer, "%.*e", precision - 1, v);
		if (strtod(buffer, NULL) != v && precision < 17) continue;
		// buffer: d[.ddd]e±x
		int count = 0;
		const char *p = buffer;
		for (; *p != 'e'; p++)
			if (*p >= '0' && *p <= '9') digits[count++] = *p;
		int exponent = atoi(p + 1);
		while (count > 1 && digits[count - 1] == '0') count--;
		digits[count] = 0;
		*k = count;
		*n = exponent + 1;
		return;
	}
}

void text_number(lane_text *t, double v) {
	if (isnan(v) || isinf(v)) {
		text_literal(t, "null");
		return;
	}
	if (v == 0) {
		text_char(t, '0'); // -0 too, as JSON.stringify
		return;
	}
	if (v < 0) {
		text_char(t, '-');
		v = -v;
	}
	// Integers below 2^53: their digits.
	if (v < 9007199254740992.0 && v == floor(v)) {
		text_uint(t, (uint64_t)v);
		return;
	}
	// Thousandths below 2^43 (capture times in ms since the epoch, RTTs): there an ulp is under 0.001, so
	// the trimmed three-decimal text of the nearest thousandth is the shortest that reads back, when it does.
	if (v < 8796093022208.0) {
		double k = floor(v * 1000.0 + 0.5);
		if (k / 1000.0 == v) {
			uint64_t whole = (uint64_t)k / 1000, fraction = (uint64_t)k % 1000;
			text_uint(t, whole);
			if (fraction != 0) {
				char f[4] = {(char)('0' + fraction / 100), (char)('0' + fraction / 10 % 10), (char)('0' + fraction % 10), 0};
				int length = 3;
				while (f[length - 1] == '0') length--;
				text_char(t, '.');
				text_bytes(t, f, (size_t)length);
			}
			return;
		}
	}
	char digits[24];
	int k = 0, n = 0;
	shortest_digits(v, digits, &k, &n);
	if (k <= n && n <= 21) {
		text_bytes(t, digits, (size_t)k);
		for (int i = k; i < n; i++) text_char(t, '0');
	} else if (0 < n && n <= 21) {
		text_bytes(t, digits, (size_t)n);
		text_char(t, '.');
		text_bytes(t, digits + n, (size_t)(k - n));
	} else if (-6 < n && n <= 0) {
		text_literal(t, "0.");
		for (int i = 0; i < -n; i++) text_char(t, '0');
		text_bytes(t, digits, (size_t)k);
	} else {
		text_char(t, digits[0]);
		if (k > 1) {
			text_char(t, '.');
			text_bytes(t, digits + 1, (size_t)(k - 1));
		}
		text_char(t, 'e');
		text_char(t, n - 1 < 0 ? '-' : '+');
		text_uint(t, (uint64_t)(n - 1 < 0 ? 1 - n : n - 1));
	}
}

void text_ipv4(lane_text *t, const uint8_t *b) {
	for (int i = 0; i < 4; i++) {
		if (i > 0) text_char(t, '.');
		text_uint(t, b[i]);
	}
}

void text_ipv6(lane_text *t, const uint8_t *b) {
	static const char hex[] = "0123456789abcdef";
	int groups[8];
	int best_start = -1, best_length = 1, run_start = -1;
	for (int i = 0; i < 8; i++) {
		groups[i] = (b[2 * i] << 8) | b[2 * i + 1];
		if (groups[i] == 0) {
			if (run_start < 0) run_start = i;
			if (i - run_start + 1 > best_length) {
				best_start = run_start;
				best_length = i - run_start + 1;
			}
		} else run_start = -1;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best_start) {
			text_cstr(t, i == 0 ? "::" : ":");
			i += best_length - 1;
			continue;
		}
		int g = groups[i];
		char h[4];
		int length = 0;
		for (int shift = 12; shift >= 0; shift -= 4)
			if (length > 0 || (g >> shift) != 0 || shift == 0) h[length++] = hex[(g >> shift) & 0xf];
		text_bytes(t, h, (size_t)length);
		if (i < 7) text_char(t, ':');
	}
}

void text_u32(lane_text *t, uint32_t v) {
	text_bytes(t, &v, sizeof v);
}

void text_f64(lane_text *t, double v) {
	text_bytes(t, &v, sizeof v);
}

void lane_record_put(lane_text *t, const char *name, size_t name_length, const char *type, uint32_t ttl, const char *data, size_t data_length) {
	text_u32(t, (uint32_t)name_length);
	text_bytes(t, name, name_length);
	text_u32(t, lane_intern_id(type));
	text_u32(t, ttl);
	text_u32(t, (uint32_t)data_length);
	text_bytes(t, data, data_length);
}
