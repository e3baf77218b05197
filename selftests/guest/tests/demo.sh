# Not a test: what "make demo" shows.  The port services and the interrupts
# they use, then a correctable AER error injected on a CXL Type 3 device and
# the kernel's report of it.
show() { while IFS= read -r l; do log "  $l"; done; }
log "PCIe ports:"
pcie_ports | show
log "Port services (port, service, driver):"
port_services | sort | show
log "Port interrupts (port, vector, handlers):"
ports=$(pcie_ports | cut -d' ' -f1)
pci_irqs | while read -r bdf hw acts; do
	echo "$ports" | grep -q "^$bdf$" && echo "$bdf $hw $acts"
done | sort | show
t3=$(grep -l 0x050210 /sys/bus/pci/devices/*/class | head -1)
t3=$(basename "$(dirname "$t3")")
mark=$(dmesg_mark)
log "Injecting a correctable error (Receiver Error) on mem0 ($t3):"
hmp "pcie_aer_inject_error -c mem0 0x1" || log "  injection failed: $HOST_OUT"
wait_for 10 dmesg_has "$mark" "AER" || true
usleep 500000
dmesg_since "$mark" | show
log "aer_dev_correctable of $t3:"
show < "/sys/bus/pci/devices/$t3/aer_dev_correctable"
ok shown
