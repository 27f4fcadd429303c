// A fuzzer for the native capture lane (lane-wire.c, lane-correlate.c, lane-text.c, lane-judge.c), built with ASan and UBSan by test/integration/lane-sanitizers.test.ts.
//
// Usage: lane-fuzz FILE.pcap ROUNDS SEED. Each round mutates a copy of the file's records (bit flips,
// random bytes, compression-pointer bytes, small counts; sometimes cut short), scans it record by record
// as capture -r would (records the lane leaves to JS are stepped over), flushes, writes every name's
// hand-over, judges every name (its calls answered at random), and frees the lane. It prints "ok N" at the end; a memory error or undefined behaviour aborts with the
// sanitizer's report (UBSan is made fatal by the test's options).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lane.h"

static uint32_t state = 1;
static uint32_t next_random(void) {
	state ^= state << 13;
	state ^= state >> 17;
	state ^= state << 5;
	return state;
}

/* The name judge's calls, answered here: sources, regions and decisions drawn at random (no kernel). */
static int fuzz_sources(void *context, lane_judge *j, const char *texts, size_t length, size_t count, int32_t *ids) {
	(void)context;
	(void)texts;
	(void)length;
	lane_judge_add_source(j, 0, "fd00::2", 7, "eth0", 4);
	lane_judge_add_source(j, 1, "192.0.2.2", 9, NULL, 0);
	for (size_t i = 0; i < count; i++) ids[i] = (int32_t)(next_random() % 4) - 2; // unknown, none, 0, 1
	return 1;
}

static int fuzz_region(void *context, const char *text, size_t length, int family) {
	(void)context;
	(void)text;
	(void)length;
	(void)family;
	return (int)(next_random() % 8) & ~REGION_KNOWN;
}

static int fuzz_decide(void *context, const char *a, size_t a_length, int32_t a_source, const char *b, size_t b_length, int32_t b_source) {
	(void)context;
	(void)a;
	(void)a_length;
	(void)a_source;
	(void)b;
	(void)b_length;
	(void)b_source;
	return (int)(next_random() % 2) | (int)((next_random() % 11) << DECIDE_RULE_SHIFT);
}

/** Judges every name (those it leaves to JS stepped over), with small output limits so that it stops and resumes. */
static void judge_all(lane *l) {
	static const uint8_t prefixes[4][17] = {
		{0},
		{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 96},
		{0xfc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7},
		{0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8},
	};
	char *rules[11] = {""};
	for (int r = 1; r <= 10; r++) rules[r] = " (Rule n: a rule)";
	lane_judge_setup(l, &prefixes[0][0], 4, rules);
	lane_judge_calls calls = {NULL, fuzz_sources, fuzz_region, fuzz_decide, NULL};
	size_t total = lane_names(l);
	for (size_t at = 0; at < total;) {
		int64_t n = lane_judge_names(l, at, total - at, 1 + next_random() % 4096, &calls);
		lane_output(l)->length = 0;
		if (n < 0) abort(); // the calls never throw here
		at += n > 0 ? (size_t)n : lane_judge_foreign(l, at, 1 + next_random() % 64, &calls);
	}
}

static uint32_t read32(const uint8_t *b, int little) {
	uint32_t v;
	memcpy(&v, b, 4);
	return little ? v : __builtin_bswap32(v);
}

int main(int argc, char **argv) {
	if (argc < 4) {
		fprintf(stderr, "usage: lane-fuzz FILE.pcap ROUNDS SEED\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (f == NULL) return 2;
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (size > 4000000) size = 4000000;
	if (size < 64) {
		fclose(f);
		printf("ok 0 (too short to mutate)\n");
		return 0;
	}
	uint8_t *seed = malloc((size_t)size), *b = malloc((size_t)size);
	if (seed == NULL || b == NULL || fread(seed, 1, (size_t)size, f) != (size_t)size) return 2;
	fclose(f);
	int rounds = atoi(argv[2]);
	state = (uint32_t)strtoul(argv[3], NULL, 10) | 1;
	uint32_t magic;
	memcpy(&magic, seed, 4);
	int little = magic == 0xa1b2c3d4 || magic == 0xa1b23c4d;
	int nanos = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
	for (int round = 0; round < rounds; round++) {
		memcpy(b, seed, (size_t)size);
		long length = size;
		int changes = 1 + (int)(next_random() % 200);
		for (int k = 0; k < changes; k++) {
			long at = 24 + (long)(next_random() % (uint32_t)(length - 24));
			switch (next_random() % 4) {
				case 0: b[at] ^= (uint8_t)(1u << (next_random() % 8)); break;
				case 1: b[at] = (uint8_t)next_random(); break;
				case 2: b[at] = (uint8_t)(0xc0 | (next_random() & 0x3f)); break;
				default: b[at] = (uint8_t)(next_random() % 4); break;
			}
		}
		if (next_random() % 4 == 0) length = 24 + (long)(next_random() % (uint32_t)(length - 24));
		lane_options options = {5000, 10, (int32_t)(1 + next_random() % 70000)};
		lane *l = lane_create(&options);
		const char *types[][2] = {{"1", "A"}, {"2", "NS"}, {"5", "CNAME"}, {"6", "SOA"}, {"12", "PTR"}, {"28", "AAAA"}, {"41", "OPT"}};
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) lane_set_type_name(l, atoi(types[i][0]), types[i][1], strlen(types[i][1]));
		lane_set_class_name(l, 1, "IN", 2);
		for (int code = 0; code < 16; code++) lane_set_rcode_name(l, code, "NOERROR", 7);
		lane_file file = {little, nanos, read32(b + 16, little), (int)(read32(b + 20, little) & 0xffff)};
		// Each record is scanned from an allocation of exactly its own size, so that a read past its end
		// is one past an allocation, which ASan reports (in the file's buffer it would read the next record).
		size_t at = 24;
		double time = 0;
		while (at + 16 <= (size_t)length) {
			size_t caplen = read32(b + at + 8, little);
			size_t record = caplen > (size_t)length - at - 16 ? (size_t)length - at : 16 + caplen;
			uint8_t *copy = malloc(record);
			if (copy == NULL) return 2;
			memcpy(copy, b + at, record);
			size_t next = 0;
			int reason;
			do reason = lane_scan(l, &file, copy, 0, record, 1, (int)(next_random() % 2), &next, &time);
			while (reason == SCAN_SWEEP || reason == SCAN_OUTPUT);
			lane_output(l)->length = 0;
			free(copy);
			if (reason == SCAN_DAMAGED) break;
			at += 16 + caplen;
		}
		lane_flush(l);
		lane_text numbers = {0}, texts = {0};
		for (size_t i = 0; i < lane_names(l); i++) lane_name_put(l, i, &numbers, &texts);
		free(numbers.data);
		free(texts.data);
		judge_all(l);
		lane_destroy(l);
	}
	free(seed);
	free(b);
	printf("ok %d\n", rounds);
	return 0;
}
