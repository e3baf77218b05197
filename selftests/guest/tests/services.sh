# Which port services exist and are bound on each port, and how the ports'
# interrupts are shared.  The host compares these facts with the expected
# ones (selftests/expect/) and between the base and the series kernels.
ports=$(pcie_ports)
[ -n "$ports" ] || { not_ok ports "no PCIe ports found"; return; }
echo "$ports" | while read -r bdf type; do fact port "$bdf" "$type"; done
port_services | sort | while read -r port svc drv; do
	fact service "$port" "$svc" "$([ "$drv" = - ] && echo unbound || echo bound)"
done
n=$(port_services | wc -l)
check listed "no port services found" [ "$n" -gt 0 ]
pci_irqs | sort | while read -r bdf hw acts; do
	echo "$ports" | grep -q "^$bdf " && fact irq "$bdf" "$hw" "$acts"
done
ok irqs-read
# The messages users grep for, as the port services print them at probe
# (interrupt numbers masked: they depend on probe order, not on behaviour).
dmesg | sed -n 's/^\[[ 0-9.]*\] //p' |
	grep -E '^[a-z_]+ [0-9a-f:.]+: (PME: Signaling|AER: enabled|bwctrl: enabled|pciehp: Slot #|DPC: )' |
	sed 's/IRQ [0-9]*/IRQ N/' | sort | while IFS= read -r m; do fact msg "$m"; done
