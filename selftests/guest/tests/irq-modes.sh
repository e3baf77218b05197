# The ports' interrupts where the platform remaps them and where a port
# has plain MSI (plan-modular, topology "ir": intel-iommu with
# intremap=on, an ioh3420 root port with MSI only, a root port with four
# MSI-X entries and distinct message numbers, CXL ports with CPMUs).
#
#  - Interrupt remapping is on and every PCI message is remapped: the
#    chips are IR-PCI-MSI and IR-PCI-MSIX (the helpers of lib.sh read them
#    as the others, so the services facts compare with the base's).
#  - The MSI port: plain MSI, with multiple messages where remapping
#    allows them (x86 offers multi-MSI only through the remapping
#    domain): portdrv sizes the vectors up to the highest message number
#    its services use, and each service sits on the vector of its
#    number, on the base as on the series (facts).
#  - The MSI-X port mv0: its handlers sit on entries 1 (PCIe events) and
#    2 (AER) on both kernels (a fact); the series allocates exactly those
#    two entries, through the remapping domain's dynamic MSI-X, where the
#    base allocates 0..2.

if ! dmesg | grep -q 'Enabled IRQ remapping'; then
	not_ok remapping "interrupt remapping is not enabled (intel-iommu,intremap=on, CONFIG_IRQ_REMAP)"
	return
fi
ok remapping
nir=$(pci_remapped | wc -l)
nplain=$(grep -cE ' PCI-MSIX?-' /proc/interrupts)
check all-remapped "$nir remapped PCI messages, $nplain not remapped" [ "$nir" -gt 0 -a "$nplain" -eq 0 ]

need_ids msi=msi0 mv=mv0 || return 0
# The ioh3420 port: MSI (no MSI-X capability), remapped, one vector per
# message number up to the highest one in use; PME and hot-plug on the
# PCIe Capability's Interrupt Message Number, AER on the Root Error
# Status one.
check msi-port-no-msix "ioh3420 at $msi has an MSI-X capability" [ "$(cap "$msi" 17)" -eq 0 ]
lines=$(pci_irqs | awk -v b="$msi" '$1 == b { $1 = ""; print substr($0, 2) }' | sort)
log "msi0 $msi: $(echo "$lines" | tr '\n' ';')"
exp=$(cap "$msi" 16)
aer=$(ecap "$msi" 1)
pcie_msg=$((($(cfg "$msi" $((exp + 2)) 2) >> 9) & 31))
aer_msg=$(($(cfg "$msi" $((aer + 0x30)) 4) >> 27))
max=$((pcie_msg > aer_msg ? pcie_msg : aer_msg))
nvec=$(ls "/sys/bus/pci/devices/$msi/msi_irqs" | wc -l)
check msi-port-msi-only "vectors of $msi: $lines" sh -c "! echo '$lines' | grep -q MSIX"
check msi-port-vectors "$nvec MSI vectors, want $((max + 1)) (messages: PCIe $pcie_msg, AER $aer_msg)" \
	[ "$nvec" -eq $((max + 1)) ]
check msi-port-pcie-vector "PME and pciehp not on MSI-$pcie_msg: $lines" \
	sh -c "echo '$lines' | grep -q '^MSI-$pcie_msg PCIe PME,pciehp'"
check msi-port-aer-vector "AER not on MSI-$aer_msg: $lines" \
	sh -c "echo '$lines' | grep -q '^MSI-$aer_msg .*aerdrv'"
nir=$(pci_remapped | awk -v b="$msi" '$1 == b && $2 ~ /^MSI-/' | wc -l)
check msi-port-remapped "$nir of the $nvec MSI vectors of $msi remapped" [ "$nir" -eq "$nvec" ]
fact msi-port "$(echo "$lines" | tr '\n' ';')"
fact msi-port-vectors "$nvec"
# The MSI-X port: the entries with handlers (both kernels), and on the
# series, that those are all the entries allocated.
entries=$(pci_irqs | awk -v b="$mv" '$1 == b { print $2 }' | sort | tr '\n' ' ')
log "mv0 $mv: entries with handlers: $entries"
fact msix-port-entries "$entries"
series_only || return 0
nvec=$(ls "/sys/bus/pci/devices/$mv/msi_irqs" | wc -l)
check msix-port-allocated "$mv: $nvec MSI-X entries allocated, $(echo $entries | wc -w) in use ($entries)" \
	[ "$nvec" -eq "$(echo $entries | wc -w)" ]
