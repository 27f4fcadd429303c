{
	"targets": [
		{
			"target_name": "udp_batch",
			"sources": ["udp-batch.c", "source-probe.c", "lane-napi.c", "lane-correlate.c", "lane-wire.c", "lane-text.c"],
			"cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
			"libraries": ["-lm"]
		}
	]
}
