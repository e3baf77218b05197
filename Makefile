# The front door of the bench.  Every target is a small tool in tools/;
# see README.md and Documentation/bench.rst.
#
#   make demo        apply the series, build, boot the "cxl" topology, show the
#                    port services, their IRQs and an injected AER error handled
#   make test        what CI runs: bisect checks, builds, guest tests, self-test
#   make tree        (re)generate the kernel tree: base + series (git am)
#   make export      export the tree's commits back to patches/ + series
#   make resign      the series re-signed by you, in build/outgoing/
#   make b4-send     the same, as b4 would send it, in build/b4-outgoing/
#   make kernel      build CONFIG (default qemu) of the series tree
#   make qemu        build the bench's QEMU
#   make bisect      per-patch checks of every patch, as a table (results of
#                    unchanged inputs are reused; FORCE=1 runs every check)
#   make guest       the guest test plan only (ONLY="ports cxl" for a subset)
#   make selftest    the bench checks its own checks
#   make bench       benchmarks, series vs base in one run
#   make deps        install the Debian packages the bench needs (root)
#   make clean       remove build/ (caches in ~/.cache stay)

CONFIG ?= qemu
SHELL := /bin/bash

.PHONY: help demo test tree export resign b4-send kernel qemu bisect guest selftest bench deps clean

help:
	@sed -n 's/^#   //p' Makefile

deps:
	tools/install-deps

demo:
	tools/demo

test:
	tools/test

tree:
	tools/mktree

export:
	tools/export

resign:
	tools/resign

b4-send:
	tools/b4-send

kernel: tree
	tools/build-kernel $(CONFIG)

qemu:
	tools/build-qemu

bisect:
	tools/bisect

guest:
	PHASES="prepare base series guest" tools/test

selftest:
	tools/selftest

bench:
	tools/bench

clean:
	rm -rf build
