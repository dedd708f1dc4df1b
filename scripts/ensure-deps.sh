#!/usr/bin/env bash
# Installs what a fresh machine lacks and skips what is present:
#   system tools from Debian (Verilator, yosys, nextpnr-ice40, icestorm, Icarus) and npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in verilator yosys nextpnr-ice40 icepack icetime iverilog; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "ensure-deps: missing ${missing[*]}; installing from Debian" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq verilator yosys nextpnr-ice40 fpga-icestorm iverilog >/dev/null
fi

# npm ci when node_modules is missing or older than the lock file.
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "ensure-deps: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
