# QEMU emulation (tools/qemu-patches, Documentation/qemu-emulation.rst):
# PME on pcie-root-port (x-pme=on) and the x-pcie-pme monitor command.  A
# PM_PME message from the endpoint is recorded in the root port's Root
# Status (PME Status, Requester ID, PME Pending for a second one) and
# interrupts on the PCIe capability's message number; Linux's PME driver
# finds the endpoint from the Requester ID and clears its PME_Status.
#
# Topology (QEMU ids are fixed, addresses are not):
#   mv0    pcie-root-port,x-pme=on,x-msix-vectors=4,x-pcie-msg-num=1
#   mvep0  an endpoint with a PM capability below mv0 (e1000e)

# rid BDF: the PCI Requester ID (bus << 8 | devfn), decimal.
rid() {
	local bus dev fn
	bus=$(echo "$1" | cut -d: -f2)
	dev=$(echo "$1" | cut -d: -f3 | cut -d. -f1)
	fn=${1##*.}
	echo $(((0x$bus << 8) | (0x$dev << 3) | fn))
}

need_ids rp=mv0 ep=mvep0 || return 0
exp=$(cap "$rp" 16)
pm=$(cap "$ep" 1)
if [ "$exp" -eq 0 ] || [ "$pm" -eq 0 ]; then
	not_ok setup "no PCIe capability on $rp or no PM capability on $ep"
	return 0
fi
vec=$((($(cfg "$rp" $((exp + 2)) 2) >> 9) & 31))
rtctl=$(cfg "$rp" $((exp + 0x1c)) 2)
rtsta() { cfg "$rp" $((exp + 0x20)) 4; }
pmcsr() { cfg "$ep" $((pm + 4)) 2; }
pme_en=$((0x100))
pme_status=$((0x8000))
irq_above() { [ "$(irq_count "$rp" "$vec")" -gt "$1" ]; }
pme_cleared() { [ $(($(pmcsr) & (pme_status | pme_en))) -eq 0 ]; }

check pme-driver "no PME service on $rp" dmesg_has 0 "$rp: PME: Signaling with IRQ"
check pme-irq-enabled "PME Interrupt Enable in Root Control did not stick" \
	[ $((rtctl & 8)) -ne 0 ]

# 1. Root Status with the PME interrupt off (so Linux stays out of it):
# first PME recorded, a second one pending, a third refused; clearing PME
# Status delivers the pending one.
cfg_write16 "$rp" $((exp + 0x1c)) $((rtctl & ~8))
before=$(irq_count "$rp" "$vec")
cfg_write16 "$ep" $((pm + 4)) $(( ($(pmcsr) & ~pme_status) | pme_en ))
if hmp "x-pcie-pme mvep0"; then
	s=$(rtsta)
	check rtsta-first "Root Status $(printf %#x "$s"), want PME Status and Requester ID $(printf %#x "$(rid "$ep")")" \
		[ $((s & 0x3ffff)) -eq $((0x10000 | $(rid "$ep"))) ]
	check ep-pme-status "endpoint PME_Status not set" [ $(($(pmcsr) & pme_status)) -ne 0 ]
else
	not_ok rtsta-first "x-pcie-pme refused: $HOST_OUT"
fi
if hmp "x-pcie-pme mv0"; then
	s=$(rtsta)
	check rtsta-pending "Root Status $(printf %#x "$s"), want PME Pending" \
		[ $((s & 0x3ffff)) -eq $((0x30000 | $(rid "$ep"))) ]
else
	not_ok rtsta-pending "x-pcie-pme refused: $HOST_OUT"
fi
if hmp "x-pcie-pme mv0"; then
	not_ok rtsta-busy "a third PME was accepted"
else
	ok rtsta-busy
fi
check no-irq-when-disabled "PME interrupt with PME Interrupt Enable clear" \
	[ "$(irq_count "$rp" "$vec")" -eq "$before" ]
cfg_write16 "$rp" $((exp + 0x22)) 1			# clear PME Status
s=$(rtsta)
check rtsta-next "Root Status $(printf %#x "$s") after clearing, want the pending PME from $rp" \
	[ $((s & 0x3ffff)) -eq $((0x10000 | $(rid "$rp"))) ]
cfg_write16 "$rp" $((exp + 0x22)) 1
check rtsta-empty "Root Status $(printf %#x "$(rtsta)") after clearing twice" \
	[ $(($(rtsta) & 0x30000)) -eq 0 ]
cfg_write16 "$ep" $((pm + 4)) $(( ($(pmcsr) | pme_status) & ~pme_en ))
cfg_write16 "$rp" $((exp + 0x1c)) "$rtctl"

# 2. PME_En clear: PME_Status is set, but no PM_PME message is sent.
if hmp "x-pcie-pme mvep0"; then
	not_ok pme-en-clear "x-pcie-pme sent a PM_PME with PME_En clear"
else
	check pme-en-clear "Root Status changed: $(printf %#x "$(rtsta)")" \
		[ $(($(rtsta) & 0x30000)) -eq 0 ]
fi
cfg_write16 "$ep" $((pm + 4)) $(( $(pmcsr) & ~pme_en ))	# clears PME_Status

# 3. Linux handles a PME: interrupt on the PCIe capability's vector, the
# endpoint found and its PME_Status (and PME_En) cleared.
wake=/sys/bus/pci/devices/$ep/power
[ -w "$wake/wakeup" ] && echo enabled > "$wake/wakeup"
wakes=$(cat "$wake/wakeup_active_count" 2>/dev/null || echo -)
mark=$(dmesg_mark)
before=$(irq_count "$rp" "$vec")
cfg_write16 "$ep" $((pm + 4)) $(( ($(pmcsr) & ~pme_status) | pme_en ))
if hmp "x-pcie-pme mvep0"; then
	check linux-irq "no interrupt on MSI-X entry $vec (count $before)" \
		wait_for 5 irq_above "$before"
	check linux-handled "endpoint PME_Status/PME_En not cleared by Linux: $(printf %#x "$(pmcsr)")" \
		wait_for 5 pme_cleared
	check linux-rtsta-cleared "Root Status PME not cleared: $(printf %#x "$(rtsta)")" \
		[ $(($(rtsta) & 0x30000)) -eq 0 ]
	check linux-not-spurious "Linux reported a spurious PME" \
		dmesg_lacks "$mark" "$rp: PME: .*Spurious"
	if [ "$wakes" != - ]; then
		check linux-wakeup-event "no wakeup event on $ep" \
			[ "$(cat "$wake/wakeup_active_count")" -gt "$wakes" ]
	fi
else
	not_ok linux-irq "x-pcie-pme refused: $HOST_OUT"
fi
