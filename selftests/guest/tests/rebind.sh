# rebind: each service of root port 00:1c.0 (topology "ports", endpoint ep0
# below it) can be unbound and bound again through sysfs without affecting
# the port, its other services, the endpoint or the other ports.  While the
# AER service is unbound the port does not report an error injected on ep0;
# after it is bound again it does.
series_only || return 0

rp=0000:00:1c.0
aer=pcieport.aer.224
aux=/sys/bus/auxiliary
ep=$(below $rp | head -1)
[ -n "$ep" ] && [ -e "/sys/bus/pci/devices/$ep/driver" ] ||
	{ not_ok setup "no endpoint with a driver below $rp"; return; }
[ -e "$aux/devices/$aer/driver" ] || { not_ok setup "$aer missing or unbound"; return; }
epdrv=$(basename "$(readlink "/sys/bus/pci/devices/$ep/driver")")
names=$(cd "/sys/bus/pci/devices/$rp" && ls -d pcieport.*.*)

# bound NAME: the auxiliary device NAME is bound to a driver
bound() { [ -e "$aux/devices/$1/driver" ]; }

# rest_bound NAME: the port is bound to pcieport, its services but NAME are
# bound, the endpoint keeps its driver, every service of other ports is bound
rest_bound() {
	local n
	[ -e "/sys/bus/pci/drivers/pcieport/$rp" ] || { why="port unbound"; return 1; }
	for n in $names; do
		[ "$n" = "$1" ] || bound "$n" || { why="$n unbound"; return 1; }
	done
	[ "$(basename "$(readlink "/sys/bus/pci/devices/$ep/driver")")" = "$epdrv" ] ||
		{ why="$ep lost its driver $epdrv"; return 1; }
	n=$(port_services | awk -v rp="$rp" '$1 != rp && $3 == "-" { printf " %s/%s", $1, $2 }')
	[ -z "$n" ] || { why="unbound on other ports:$n"; return 1; }
}

# unbind NAME / bind NAME DRIVER: through the driver's sysfs files
unbind() {
	local drv
	drv=$(basename "$(readlink "$aux/devices/$1/driver")")
	printf '%s' "$1" > "$aux/drivers/$drv/unbind" && echo "$drv"
}
bind() { printf '%s' "$1" > "$aux/drivers/$2/bind"; }

# cycle NAME: unbind, check, bind, check; "$1-unbound", "$1-rebound" results
cycle() {
	local svc=${1#pcieport.} drv
	svc=${svc%.*}
	if ! drv=$(unbind "$1"); then
		not_ok "$svc-unbind" "unbind of $1 failed"; return 1
	fi
	why=
	if bound "$1"; then not_ok "$svc-unbind" "$1 still bound"
	elif ! rest_bound "$1"; then not_ok "$svc-unbind" "while $1 unbound: $why"
	else ok "$svc-unbind"; fi
	[ "$svc" = aer ] && aer_while_unbound
	if ! bind "$1" "$drv"; then
		not_ok "$svc-rebind" "bind of $1 to $drv failed"; return 1
	fi
	if ! bound "$1"; then not_ok "$svc-rebind" "$1 not bound after bind"
	elif ! rest_bound ""; then not_ok "$svc-rebind" "after rebind: $why"
	else ok "$svc-rebind"; fi
}

# AER counters: the endpoint's correctable total and the root port's
cor_counts() {
	echo "$(awk '$1 == "TOTAL_ERR_COR" { print $2 }' "/sys/bus/pci/devices/$ep/aer_dev_correctable")" \
		"$(cat "/sys/bus/pci/devices/$rp/aer_rootport_total_err_cor")"
}
reported_re="AER: Correctable error message received from $ep|$ep.*AER: Correctable"

# inject: a correctable Receiver Error on ep0
inject() { hmp "pcie_aer_inject_error -c ep0 0x1"; }

aer_while_unbound() {
	local before mark
	before=$(cor_counts)
	mark=$(dmesg_mark)
	if ! inject; then
		not_ok aer-unbound-silent "injection refused by QEMU: $HOST_OUT"; return
	fi
	# Reported errors show up within a second (aer.sh); wait 3 s.
	if wait_for 3 dmesg_has "$mark" "$reported_re"; then
		not_ok aer-unbound-silent "reported while $aer was unbound"
	elif [ "$(cor_counts)" != "$before" ]; then
		not_ok aer-unbound-silent "counters changed from '$before' to '$(cor_counts)'"
	else
		ok aer-unbound-silent
	fi
}

cycle "$aer"
if bound "$aer"; then
	before=$(cor_counts)
	mark=$(dmesg_mark)
	if ! inject; then
		not_ok aer-rebound-reports "injection refused by QEMU: $HOST_OUT"
	elif ! wait_for 10 dmesg_has "$mark" "$reported_re"; then
		not_ok aer-rebound-reports "no '$reported_re' after rebind"
	else
		counted() { [ "$(cor_counts)" != "$before" ]; }
		check aer-rebound-reports "counters stayed '$before' after rebind" wait_for 5 counted
	fi
else
	not_ok aer-rebound-reports "$aer not bound after rebind"
fi
for n in $names; do
	[ "$n" = "$aer" ] || cycle "$n"
done
check services "no services of $rp besides AER" [ "$(echo "$names" | wc -w)" -gt 1 ]
