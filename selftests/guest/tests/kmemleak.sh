# kmemleak: after everything the plan line did before it (on "ports": the
# services test, AER recovery, hot-plug, 100 unbind/bind cycles of every
# service, suspend, a failed service creation), no unreferenced object was
# allocated by the port services or their auxiliary devices.
#
# Needs CONFIG_DEBUG_KMEMLEAK (the "qemu" config has it off by default,
# DEBUG_KMEMLEAK_DEFAULT_OFF, so that benchmarks do not pay for it) and
# "kmemleak=on" on the plan line.  Runs on the base as well: its leaks are
# logged the same way, for comparison.
km=/sys/kernel/debug/kmemleak
[ -e "$km" ] || { not_ok scan "no $km (CONFIG_DEBUG_KMEMLEAK)"; return 0; }

# Allocation sites of the code under test (kmemleak's backtraces are of the
# allocation): portdrv, the auxiliary bus, and the five services.
ours='pcie_port|portdrv|pcie_service|auxiliary|aer_|pcie_pme|pciehp|dpc_|pcie_bw|pcie_dpc|pcie_aer'

# kmemleak ignores objects younger than 5 s (jiffies_min_age), and needs
# two scans to report an object (the first only marks it).
sleep 6
if ! { echo scan > "$km"; } 2> /tmp/km.err; then
	not_ok scan "cannot scan: $(cat /tmp/km.err) (kmemleak=on missing?)"
	return 0
fi
echo scan > "$km"
cat "$km" > /tmp/km.out
ok scan

# One line per unreferenced object: "size=N fn1 fn2 ..." (the backtrace's
# function names, without offsets).
# A record: "unreferenced object ... (size N):", comm, an optional hex
# dump, "  backtrace (crc X):", then one "    func+0xoff/0xlen" per frame
# (older kernels: "    [<address>] func+0xoff/0xlen").
awk '
	/^unreferenced object/ { if (rec != "") print rec; s = $0; sub(/.*size /, "", s); sub(/\).*/, "", s); rec = "size=" s; bt = 0; next }
	/^  backtrace/ { bt = 1; next }
	bt && /^    / { f = $NF; sub(/\+.*/, "", f); rec = rec " " f }
	END { if (rec != "") print rec }' /tmp/km.out > /tmp/km.objs
total=$(wc -l < /tmp/km.objs)
mine=$(grep -c -E " ($ours)" /tmp/km.objs || true)
log "kmemleak: $total unreferenced objects, $mine allocated by the port services"
head -n 5 /tmp/km.objs | while IFS= read -r l; do log "kmemleak: $l"; done
check no-leaks "$mine leaked objects allocated by the port services: $(grep -m 2 -E " ($ours)" /tmp/km.objs | tr '\n' ' ')" \
	[ "$mine" -eq 0 ]
