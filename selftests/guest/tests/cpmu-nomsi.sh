# The CXL PMUs of ports when the ports cannot use MSI or MSI-X (plan line
# booted with pci=nomsi): the port services share INTx as on the base
# (the services facts compare that), and a CPMU, whose overflow interrupt
# can only be an MSI/MSI-X message, fails its probe cleanly: its
# auxiliary device stays, unbound, with a message saying why, no PMU is
# registered, and the kernel does not warn.
series_only || return 0

grep -qw 'pci=nomsi' /proc/cmdline || { skip setup "not booted with pci=nomsi"; return; }

n=0
for a in /sys/bus/auxiliary/devices/pcieport.cxl_pmu.*; do
	[ -e "$a" ] || continue
	n=$((n + 1))
	name=${a##*/}
	port=$(basename "$(dirname "$(readlink -f "$a")")")
	check "$name-unbound" "$name (port $port) is bound to $(basename "$(readlink -f "$a/driver")")" \
		[ ! -e "$a/driver" ]
done
# The CPMUs per port (tools/topologies/cxl): a port that portdrv binds has
# their devices.  Without MSI the firmware keeps hot-plug, AER and PME
# (_OSC), and a port whose only service, bwctrl, cannot poll fails its
# probe as on the base (the switch's downstream ports): no devices there.
want=0
for p in crp0:1 crp1:1 us0:2 ds0:1 ds1:1; do
	bdf=$(bdf_of_id "${p%:*}")
	[ -n "$bdf" ] || continue
	drv=$(basename "$(readlink -f "/sys/bus/pci/devices/$bdf/driver" 2>/dev/null)")
	[ "$drv" = pcieport ] && want=$((want + ${p#*:}))
	log "cpmu-nomsi: ${p%:*} $bdf driver '$drv'"
done
check devices "$n CPMU auxiliary devices, want $want (those of the ports bound to pcieport)" \
	[ "$n" -eq "$want" -a "$want" -gt 0 ]

pmus=$(ls -d /sys/bus/event_source/devices/cxl_pmu_port_* 2>/dev/null | wc -l)
check no-pmus "$pmus port PMUs registered without an interrupt" [ "$pmus" -eq 0 ]
said=$(dmesg | grep -c 'cxl_pmu.*no vector for message number')
check said-why "$said of $n CPMUs said why they failed ('no vector for message number')" \
	[ "$said" -eq "$n" ]
warned=$(dmesg | grep -E 'WARNING|BUG:' | head -n 2 | tr '\n' ' ')
check no-warnings "kernel log: $warned" [ -z "$warned" ]
