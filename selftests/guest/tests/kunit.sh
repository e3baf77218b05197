# kunit: the series' KUnit suites, built into the kernel and run at boot
# ("kunit.enable=1" on the plan line; the qemu config has KUnit off by
# default).  Each test case of each suite becomes a result; a suite named
# here that did not run fails.
series_only || return 0

suites="pci_doe"

# The boot log without timestamps; KUnit prints KTAP with suites as
# subtests: "    # Subtest: S", "    ok N case", "ok N S".
dmesg | sed 's/^\[[^]]*\] //' > /tmp/kunit.log

for s in $suites; do
	if ! grep -q "^    # Subtest: $s\$" /tmp/kunit.log; then
		not_ok "$s" "suite $s did not run (CONFIG_KUNIT, its Kconfig option, kunit.enable=1)"
		continue
	fi
	# The suite's lines, from its "# Subtest:" to its own result line.
	sed -n "/^    # Subtest: $s\$/,/^\(not \)*ok [0-9]* $s\$/p" /tmp/kunit.log > /tmp/kunit.suite
	n=0
	while IFS= read -r line; do
		case $line in
		"    ok "[0-9]*" "*" # SKIP"*)
			c=${line#    ok [0-9]* }; skip "$s.${c%% *}" "${c#* # }" ;;
		"    ok "[0-9]*)
			c=${line#    ok [0-9]* }; ok "$s.$c" ;;
		"    not ok "[0-9]*)
			c=${line#    not ok [0-9]* }
			why=$(grep -m 2 "^        # $c: \|^    # $c: " /tmp/kunit.suite | tr '\n' ' ')
			not_ok "$s.$c" "${why:-see the kernel log}" ;;
		*) continue ;;
		esac
		n=$((n + 1))
	done < /tmp/kunit.suite
	check "$s" "suite $s: $n test cases, $(tail -n 2 /tmp/kunit.suite | tr '\n' ' ')" \
		grep -q "^ok [0-9]* $s\$" /tmp/kunit.suite
	log "kunit: $(grep -m 1 "^ *# $s: pass" /tmp/kunit.suite)"
done
