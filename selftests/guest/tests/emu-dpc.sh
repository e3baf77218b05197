# QEMU emulation (tools/qemu-patches, Documentation/qemu-emulation.rst):
# Downstream Port Containment on pcie-root-port (x-dpc=on).  DPC is
# triggered by the DPC Software Trigger bit, by an ERR_FATAL message from
# the endpoint below and by an uncorrectable error of the port itself; each
# time Linux's DPC driver reports the containment event on the DPC vector,
# recovers the link and the endpoint is usable again.  ERR_NONFATAL, which
# Linux does not let trigger DPC, still goes to AER.
#
# Topology (QEMU ids are fixed, addresses are not):
#   dpc0    pcie-root-port,x-dpc=on,x-msix-vectors=4,x-aer-msg-num=1,
#           x-dpc-msg-num=2
#   dpcep0  e1000e,x-pcie-err-reporting=on below dpc0
# Kernel parameter: pcie_ports=dpc-native (q35 firmware keeps DPC otherwise).

need_ids rp=dpc0 ep=dpcep0 || return 0
dpc=$(ecap "$rp" 29)
exp=$(cap "$rp" 16)
if [ "$dpc" -eq 0 ]; then
	not_ok dpc-capability "no DPC extended capability on $rp"
	return 0
fi
ok dpc-capability
dpccap=$(cfg "$rp" $((dpc + 4)) 2)
check dpc-msg-num "DPC Interrupt Message Number $((dpccap & 31)), want 2" [ $((dpccap & 31)) -eq 2 ]
check dpc-sw-trigger-cap "DPC Software Triggering not supported" [ $((dpccap & 0x80)) -ne 0 ]
if ! grep -q pcie_ports=dpc-native /proc/cmdline; then
	skip dpc-driver "needs pcie_ports=dpc-native"
	return 0
fi
check dpc-driver "no 'DPC: enabled' for $rp" dmesg_has 0 "$rp: DPC: enabled with IRQ"
check dpc-driver-msg-num "Linux did not read message number 2" \
	dmesg_has 0 "$rp: DPC: error containment capabilities: Int Msg #2,"
ctl=$(cfg "$rp" $((dpc + 6)) 2)
check dpc-enabled "DPC Control $ctl: trigger on ERR_FATAL and interrupt not enabled" \
	[ $((ctl & 0xb)) -eq 9 ]
case $(pci_irqs | awk -v b="$rp" '$1 == b && $2 == "MSIX-2"') in
*pcie-dpc*) ok dpc-vector ;;
*) not_ok dpc-vector "pcie-dpc not on MSI-X entry 2: $(pci_irqs | grep "^$rp " | tr '\n' ';')" ;;
esac

usable() {	# the endpoint answers config reads and keeps its driver
	[ "$(cat "/sys/bus/pci/devices/$ep/vendor")" = 0x8086 ] &&
	[ -e "/sys/bus/pci/devices/$ep/driver" ] &&
	[ "$(cfg "$ep" 0 2)" -eq $((0x8086)) ]
}
released() {	# DPC Trigger Status clear, Data Link Layer Link Active set
	[ $(($(cfg "$rp" $((dpc + 8)) 2) & 1)) -eq 0 ] &&
	[ $(($(cfg "$rp" $((exp + 0x12)) 2) & 0x2000)) -ne 0 ]
}

# contained NAME REASON-REGEX: after a trigger, Linux reports the
# containment event with REASON-REGEX on the DPC vector and recovers.
contained() {
	local name=$1 re=$2
	if ! wait_for 10 dmesg_has "$mark" "$rp: DPC: containment event, status:0x[0-9a-f]*.? $re"; then
		not_ok "$name" "no '$re' containment event: $(dmesg_since "$mark" | grep -m3 "$rp" | tr '\n' ';')"
		return 1
	fi
	ok "$name"
	check "$name-irq" "DPC interrupt count on entry 2 still $before" \
		[ "$(irq_count "$rp" 2)" -gt "$before" ]
	check "$name-recovered" "no successful recovery" \
		wait_for 15 dmesg_has "$mark" "$rp: AER: device recovery successful"
	check "$name-released" "port still contained or link down" wait_for 5 released
	check "$name-usable" "endpoint not usable after recovery" wait_for 5 usable
}

check usable-before "endpoint not usable before the test" usable
check link-up-before "link not active before the test" released

# 1. DPC Software Trigger (DPC Control bit 6).
mark=$(dmesg_mark)
before=$(irq_count "$rp" 2)
cfg_write16 "$rp" $((dpc + 6)) $((ctl | 0x40))
contained sw-trigger "software trigger detected"
check sw-trigger-bit-reads-zero "DPC Software Trigger reads back as 1" \
	[ $(($(cfg "$rp" $((dpc + 6)) 2) & 0x40)) -eq 0 ]

# 2. ERR_FATAL from the endpoint: DPC takes it, AER never sees it.
mark=$(dmesg_mark)
before=$(irq_count "$rp" 2)
if hmp "pcie_aer_inject_error dpcep0 0x10"; then
	contained err-fatal "ERR_FATAL received from $ep"
	check err-fatal-source "DPC Error Source ID is not $ep" \
		[ "$(printf '0000:%02x:%02x.%d' $(($(cfg "$rp" $((dpc + 10)) 2) >> 8)) \
			$((($(cfg "$rp" $((dpc + 10)) 2) >> 3) & 31)) \
			$(($(cfg "$rp" $((dpc + 10)) 2) & 7)))" = "$ep" ]
	check err-fatal-not-aer "AER also handled the ERR_FATAL message" \
		dmesg_lacks "$mark" "AER: Uncorrectable (Fatal) error message received"
else
	not_ok err-fatal "injection refused by QEMU: $HOST_OUT"
fi

# 3. ERR_NONFATAL: Linux enables DPC for ERR_FATAL only; AER handles it.
mark=$(dmesg_mark)
if hmp "pcie_aer_inject_error dpcep0 0x4000"; then
	check err-nonfatal-to-aer "AER did not report the ERR_NONFATAL message" \
		wait_for 10 dmesg_has "$mark" "$rp: AER: Uncorrectable \(Non-Fatal\) error message received from $ep"
	check err-nonfatal-no-dpc "ERR_NONFATAL triggered DPC" \
		dmesg_lacks "$mark" "$rp: DPC: containment event"
	wait_for 15 dmesg_has "$mark" "AER: device recovery (successful|failed)"
	check usable-after-nonfatal "endpoint not usable after recovery" wait_for 5 usable
else
	not_ok err-nonfatal-to-aer "injection refused by QEMU: $HOST_OUT"
fi

# 4. An uncorrectable error detected by the port itself.
mark=$(dmesg_mark)
before=$(irq_count "$rp" 2)
if hmp "pcie_aer_inject_error dpc0 0x10"; then
	contained port-uncor "unmasked uncorrectable error detected"
else
	not_ok port-uncor "injection refused by QEMU: $HOST_OUT"
fi

# 5. Containment as the guest sees it, with DPC interrupts off so that Linux
# does not recover by itself: the endpoint is unreachable (config reads all
# ones) and the link is down until software clears DPC Trigger Status.
cfg_write16 "$rp" $((dpc + 8)) 8			# old DPC Interrupt Status
cfg_write16 "$rp" $((dpc + 6)) $((0x1 | 0x40))		# ERR_FATAL, no interrupt, trigger
sta=$(cfg "$rp" $((dpc + 8)) 2)
check manual-status "DPC Status $(printf %#06x "$sta"), want trigger, software reason, interrupt status" \
	[ $((sta & 0x6f)) -eq $((0x2f)) ]
check manual-unreachable "endpoint config reads $(printf %#x "$(cfg "$ep" 0 4)") while contained" \
	[ "$(cfg "$ep" 0 4)" -eq $((0xffffffff)) ]
check manual-link-down "Data Link Layer Link Active still set while contained" \
	[ $(($(cfg "$rp" $((exp + 0x12)) 2) & 0x2000)) -eq 0 ]
cfg_write16 "$rp" $((dpc + 8)) 1			# clear DPC Trigger Status
check manual-released "port still contained or link down after clearing Trigger Status" released
check manual-reachable "endpoint not reachable after the release" \
	[ "$(cfg "$ep" 0 2)" -eq $((0x8086)) ]
cfg_write16 "$rp" $((dpc + 8)) 8
cfg_write16 "$rp" $((dpc + 6)) "$ctl"			# Linux's setting back
