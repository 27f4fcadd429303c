{
	"targets": [
		{
			"target_name": "udp_batch",
			"sources": ["udp-batch.c", "source-probe.c"],
			"cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
		}
	]
}
