{
	"targets": [
		{
			"target_name": "udp_batch",
			"sources": ["udp-batch.c", "source-probe.c", "source-route.c", "lane-napi.c", "lane-correlate.c", "lane-wire.c", "lane-text.c", "lane-judge.c", "lane-judge-napi.c"],
			"cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
			"libraries": ["-lm"]
		}
	]
}
