#!/usr/bin/env bash
# Installs what he6-dns needs on a Debian/Ubuntu machine and builds it; `--test` adds the test tools.
# Idempotent: packages already present are not reinstalled, node_modules is reused when current.
set -euo pipefail
cd "$(dirname "$0")/.."

# libpcap-dev builds the optional `pcap` addon (capture); lookups work without it.
packages=(libpcap-dev)
if [ "${1:-}" = "--test" ]; then
	# Real DNS servers (knot, unbound), dig, capture tools, tmux for the terminal test, ip for netns.
	packages+=(knot unbound bind9-dnsutils tcpdump tshark tmux iproute2)
fi

missing=()
for package in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "setup: installing ${missing[*]}" >&2
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	elif [ "${1:-}" = "--test" ]; then
		echo "setup: the tests need these Debian packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
		exit 1
	else
		echo "setup: ${missing[*]} not installed (capture will be unavailable); as root: apt-get install ${missing[*]}" >&2
	fi
fi

# node-gyp must use the local Node headers: there is no network to download them from.
if [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund
fi
npm run --silent build
