# QEMU emulation (tools/qemu-patches, Documentation/qemu-emulation.rst):
# multi-vector MSI-X on pcie-root-port.  The port reports the MSI-X table
# size and the Interrupt Message Numbers set by x-msix-vectors,
# x-pcie-msg-num and x-aer-msg-num; Linux (portdrv) sizes and assigns its
# vectors from them, and QEMU raises AER and hot-plug interrupts on the
# vectors the registers report.
#
# Topology (QEMU ids are fixed, addresses are not):
#   mv0    pcie-root-port,x-msix-vectors=4,x-pcie-msg-num=1,x-aer-msg-num=2
#   (any endpoint may sit below mv0)
#   mv1    pcie-root-port,x-msix-vectors=8,x-pcie-msg-num=5,x-aer-msg-num=3,
#          empty hot-plug slot (a device "mvhp0" is hot-added and removed)

check_port() {	# NAME ID VECTORS PCIE-MSG AER-MSG
	local name=$1 bdf=$2 msix exp pos
	msix=$(cap "$bdf" 17)
	exp=$(cap "$bdf" 16)
	pos=$(ecap "$bdf" 1)
	if [ "$msix" -eq 0 ] || [ "$exp" -eq 0 ] || [ "$pos" -eq 0 ]; then
		not_ok "$name-caps" "MSI-X, PCIe or AER capability missing on $bdf"
		return 1
	fi
	check "$name-table-size" "MSI-X table size $(( ($(cfg "$bdf" $((msix + 2)) 2) & 0x7ff) + 1 )), want $3" \
		[ $(( ($(cfg "$bdf" $((msix + 2)) 2) & 0x7ff) + 1 )) -eq "$3" ]
	check "$name-pcie-msg-num" "PCIe capability message number $(( ($(cfg "$bdf" $((exp + 2)) 2) >> 9) & 31 )), want $4" \
		[ $(( ($(cfg "$bdf" $((exp + 2)) 2) >> 9) & 31 )) -eq "$4" ]
	check "$name-aer-msg-num" "AER message number $(( $(cfg "$bdf" $((pos + 0x30)) 4) >> 27 )), want $5" \
		[ $(( $(cfg "$bdf" $((pos + 0x30)) 4) >> 27 )) -eq "$5" ]
	irqs=$(pci_irqs | grep "^$bdf " | tr '\n' ';')
	case $(irq_actions "$bdf" "$5") in
	*aerdrv*) ok "$name-aer-vector" ;;
	*) not_ok "$name-aer-vector" "aerdrv not on MSI-X entry $5: $irqs" ;;
	esac
	case $(irq_actions "$bdf" "$4") in
	*PME*pciehp*) ok "$name-pcie-vector" ;;
	*) not_ok "$name-pcie-vector" "PME and pciehp not on MSI-X entry $4: $irqs" ;;
	esac
}

need_ids rp=mv0 hp=mv1 || return 0

check_port mv0 "$rp" 4 1 2
check_port mv1 "$hp" 8 5 3

# AER: a correctable error on mv0 is signalled on MSI-X entry 2 only.
before=$(irq_count "$rp" 2)
other=$(irq_count "$rp" 1)
mark=$(dmesg_mark)
if hmp "pcie_aer_inject_error -c mv0 0x1"; then
	if wait_for 10 dmesg_has "$mark" "AER: Correctable error message received from $rp"; then
		check aer-irq-on-vector "count on entry 2 still $before" \
			[ "$(irq_count "$rp" 2)" -gt "$before" ]
		check aer-irq-not-elsewhere "entry 1 counted the AER interrupt" \
			[ "$(irq_count "$rp" 1)" -eq "$other" ]
	else
		not_ok aer-irq-on-vector "no AER report in the kernel log"
	fi
else
	not_ok aer-irq-on-vector "injection refused: $HOST_OUT"
fi

# Hot-plug: adding a device to mv1 interrupts on MSI-X entry 5.
before=$(irq_count "$hp" 5)
if hmp "device_add e1000e,id=mvhp0,bus=mv1,romfile="; then
	sec=$(printf %02x "$(cfg "$hp" 0x19 1)")
	if wait_for 15 [ -e "/sys/bus/pci/devices/0000:$sec:00.0" ]; then
		ok hotplug-add
	else
		not_ok hotplug-add "no device on bus $sec after hot-add"
	fi
	check hotplug-irq-on-vector "count on entry 5 still $before" \
		[ "$(irq_count "$hp" 5)" -gt "$before" ]
	# pciehp refuses removal while the power indicator blinks.
	wait_for 10 hmp "device_del mvhp0" || log "device_del: $HOST_OUT"
	check hotplug-remove "device still present after device_del" \
		wait_for 20 [ ! -e "/sys/bus/pci/devices/0000:$sec:00.0" ]
else
	not_ok hotplug-add "device_add refused: $HOST_OUT"
fi
