# A service's MSI-X entry lives while the service is bound (the series, on
# the dynamic MSI-X path of the x86 vector domain; topology "emu"): the
# services that have an Interrupt Message Number of their own (AER on
# mv0's entry 2, DPC on dpc0's entry 2) give their entry back when they
# unbind, get it again when they bind, and it counts interrupts again:
# an injected AER error arrives on it.  Entries that other services share
# stay (entry 1: PME, pciehp and bwctrl on mv0, AER on dpc0).
series_only || return 0
need_ids mv=mv0 dpc=dpc0 || return 0
nvec() { ls "/sys/bus/pci/devices/$1/msi_irqs" 2>/dev/null | wc -l; }

# cycle NAME PORT SERVICE ENTRY HANDLER
cycle() {
	local name=$1 port=$2 svc=$3 entry=$4 handler=$5 a drv v0 v1 v2
	a=
	for d in /sys/bus/pci/devices/$port/pcieport.$svc.*; do [ -e "$d" ] && a=${d##*/}; done
	[ -n "$a" ] || { not_ok "$name-setup" "no pcieport.$svc device below $port"; return; }
	drv=/sys/bus/auxiliary/drivers/pcieport.$svc
	v0=$(nvec "$port")
	echo "$a" > "$drv/unbind"
	v1=$(nvec "$port")
	check "$name-unbind-frees" "$port: $v0 vectors with $svc bound, $v1 without; entry $entry: '$(irq_actions "$port" "$entry")'" \
		[ "$v1" -eq $((v0 - 1)) -a -z "$(irq_actions "$port" "$entry")" ]
	check "$name-others-stay" "$port: entry 1 has '$(irq_actions "$port" 1)' with $svc unbound" \
		[ -n "$(irq_actions "$port" 1)" ]
	echo "$a" > "$drv/bind"
	v2=$(nvec "$port")
	case "$(irq_actions "$port" "$entry")" in
	*"$handler"*) ok "$name-bind-restores" ;;
	*) not_ok "$name-bind-restores" "entry $entry of $port has '$(irq_actions "$port" "$entry")' after binding, want $handler" ;;
	esac
	check "$name-bind-vectors" "$port: $v2 vectors after binding, want $v0" [ "$v2" -eq "$v0" ]
}
cycle mv0-aer "$mv" aer 2 aerdrv
cycle dpc0-dpc "$dpc" dpc 2 dpc

# The AER entry counts again: a correctable error injected at mv0.
before=$(irq_count "$mv" 2)
mark=$(dmesg_mark)
hmp "pcie_aer_inject_error -c mv0 0x1"
wait_for 5 dmesg_has "$mark" "AER: Correctable error message received from $mv|$mv.*AER: Correctable"
check mv0-aer-counts "entry 2 of $mv counted $before -> $(irq_count "$mv" 2) after an injected correctable error" \
	[ "$(irq_count "$mv" 2)" -gt "$before" ]
