# A port service device that cannot be created: the port and its other
# services keep working, one message names what failed, and nothing is left
# behind (the next probe of the port creates every service again).
#
# failslab fails one allocation, restricted by its stack-trace filter to
# callers inside __auxiliary_device_add(): the first one after the port is
# bound again is the name of its first service device (PME, service bit 0).
# Probe may run in a worker (pci_call_probe), so no task filter: nothing
# else adds auxiliary devices meanwhile.  Topology "ports": root port 00:02.0
# (PME, AER, bwctrl; QEMU id rp2), whose slot is not hot-pluggable: a probe of
# a hot-plug port's driver may bind pciehp, which powers off a slot that
# firmware had claimed at boot, taking the endpoint with it.
series_only || return 0

port=0000:00:02.0
pdev=/sys/bus/pci/devices/$port
fs=/sys/kernel/debug/failslab
[ -d "$fs" ] || { not_ok setup "no $fs (FAILSLAB, FAULT_INJECTION_DEBUG_FS)"; return 0; }
[ -w "$fs/require-start" ] ||
	{ not_ok setup "no stack-trace filter (FAULT_INJECTION_STACKTRACE_FILTER)"; return 0; }

services() { for d in "$pdev"/pcieport.*; do [ -e "$d" ] && echo "${d##*/}"; done; }
all_bound() {
	local s
	for s in $(services); do [ -e "$pdev/$s/driver" ] || return 1; done
}
# sym_range NAME: "START END" of a text symbol (END: the next symbol's address).
sym_range() {
	sort /proc/kallsyms | awk -v n="$1" '
		found { print "0x" start, "0x" $1; exit }
		$3 == n && ($2 == "T" || $2 == "t") { start = $1; found = 1 }'
}
failslab() {	# PROBABILITY TIMES START END
	echo N > "$fs/ignore-gfp-wait"
	echo "$3" > "$fs/require-start"
	echo "$4" > "$fs/require-end"
	echo 1 > "$fs/interval"
	echo "$2" > "$fs/times"
	echo "$1" > "$fs/probability"
}
rebind_port() {
	echo "$port" > /sys/bus/pci/drivers/pcieport/unbind &&
	echo "$port" > /sys/bus/pci/drivers/pcieport/bind
}

before=$(services | sort | tr '\n' ' ')
victim=$(services | grep '^pcieport\.pme\.')
if [ -z "$victim" ] || ! all_bound; then
	not_ok setup "expected bound services with PME on $port, have: $before"
	return 0
fi
set -- $(sym_range __auxiliary_device_add)
[ $# = 2 ] || { not_ok setup "__auxiliary_device_add not in /proc/kallsyms"; return 0; }

mark=$(dmesg_mark)
failslab 100 1 "$1" "$2"
rebind_port
left=$(cat "$fs/times")
failslab 0 0 0 0
check injected "failslab did not fail an allocation (times left: $left)" [ "$left" = 0 ]

check port-bound "port $port lost its driver" [ -e "$pdev/driver" ]
after=$(services | sort | tr '\n' ' ')
want=$(echo "$before" | tr ' ' '\n' | grep -v -x "$victim" | grep . | tr '\n' ' ')
check only-victim-missing "services: want '$want', have '$after'" [ "$after" = "$want" ]
check others-bound "a remaining service of $port is unbound" all_bound
check no-stale-device "$victim still on the auxiliary bus" \
	[ ! -e "/sys/bus/auxiliary/devices/$victim" ]
# -ENOMEM, or -12 without CONFIG_SYMBOLIC_ERRNAME.
n=$(dmesg_since "$mark" | grep -c -E "$port: cannot create pme service device: (-ENOMEM|-12)$")
check one-message "want one 'cannot create pme service device: -ENOMEM' from $port, have $n" \
	[ "$n" = 1 ]
check no-warning "kernel warning after the failure" \
	dmesg_lacks "$mark" "WARNING|BUG:|refcount_t"

# Nothing left behind: the next probe creates every service again.
rebind_port
check recreated "services after a clean probe: want '$before', have '$(services | sort | tr '\n' ' ')'" \
	[ "$(services | sort | tr '\n' ' ')" = "$before" ]
check recreated-bound "a service is unbound after a clean probe" all_bound
