# For "make bench", not a test: the time the port service initcalls took
# (boot with initcall_debug log_buf_len=4M), the vectors each port has
# allocated and those it uses.
dmesg | sed -n 's/.*initcall \([a-z0-9_]*\)+0x[0-9a-f]*\/0x[0-9a-f]* returned -\{0,1\}[0-9]* after \([0-9]*\) usecs.*/\1 \2/p' |
	grep -E '^(pcie_portdrv_init|pcie_[a-z_]*_init|aer_[a-z_]*init|dpc_[a-z_]*init|pcied_init|[a-z_]*bwctrl[a-z_]*)[ ]' |
	while read -r fn us; do fact initcall "$fn" "$us"; done
pci_irqs | while read -r bdf hw acts; do fact irq "$bdf" "$hw"; done
fact ports "$(pcie_ports | wc -l)"
# Per port: MSI/MSI-X vectors allocated, and those a handler uses (the
# distinct Interrupt Message Numbers in use)
pcie_ports | while read -r bdf type; do
	alloc=$(ls "/sys/bus/pci/devices/$bdf/msi_irqs" 2>/dev/null | wc -l)
	used=$(pci_irqs | awk -v b="$bdf" '$1 == b && $2 ~ /^MSI/ { print $2 }' | sort -u | wc -l)
	fact portvec "$bdf" "$alloc" "$used"
done
fact slab "$(awk '/^Slab:/ { print $2 }' /proc/meminfo)"
fact uptime "$(cut -d' ' -f1 /proc/uptime)"
ok measured
