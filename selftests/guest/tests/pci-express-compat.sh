# pci-express-compat: what scripts in the wild do with /sys/bus/pci_express
# still works, on the base and on the series alike (the series keeps the bus,
# obsolete, with bind and unbind files under the old driver names): test for
# the directory, unbind AER from root port 00:1c.0 by its old device name
# and bind it again; a name of another service, or none, is refused and
# changes nothing.  Facts: what each step did.  Topology "ports".

rp=0000:00:1c.0
old=$rp:pcie002		# AER (service bit 0x02) of a root port (type 4 - 4 = 0)
drv=/sys/bus/pci_express/drivers/aer
aer_state() { port_services | awk -v rp="$rp" '$1 == rp && $2 == "aer" { print ($3 == "-" ? "unbound" : "bound") }'; }

[ -d /sys/bus/pci_express ] && fact compat bus-directory yes || fact compat bus-directory no
[ "$(aer_state)" = bound ] || { not_ok setup "AER of $rp not bound at the start"; return; }

mark=$(dmesg_mark)
if printf '%s' "$old" > "$drv/unbind" 2>/dev/null; then
	fact compat unbind accepted "$(aer_state)"
else
	fact compat unbind refused "$(aer_state)"
fi
if printf '%s' "$old" > "$drv/bind" 2>/dev/null; then
	fact compat bind accepted "$(aer_state)"
else
	fact compat bind refused "$(aer_state)"
fi
check aer-bound-again "AER of $rp is $(aer_state) after unbind and bind" [ "$(aer_state)" = bound ]

# pciehp's name (service bit 0x04) given to the AER driver, a garbage name
for bad in "$rp:pcie004" "not-a-device"; do
	if printf '%s' "$bad" > "$drv/unbind" 2>/dev/null; then
		fact compat "unbind-$bad" accepted "$(aer_state)"
	else
		fact compat "unbind-$bad" refused "$(aer_state)"
	fi
done

# The series says once that the interface is obsolete, and what to use.
if [ "$KERNEL_LABEL" = series ]; then
	check obsolete-warning "no 'pci_express is obsolete' warning" \
		dmesg_has "$mark" "/sys/bus/pci_express is obsolete, use /sys/bus/auxiliary/drivers/pcieport.aer/unbind"
fi
