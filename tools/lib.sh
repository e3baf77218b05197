# Shared helpers for the bench's shell tools.  Source it; do not run it.
#
# Layout:
#   $REPO            this repository (the series and the bench)
#   $BUILD           generated, git-ignored: kernel tree, O= build dirs, guest images
#   $CACHE           outside the clone, survives a fresh clone on a reused machine:
#                    downloads, ccache, the QEMU build, sparse

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(realpath -m "${BUILD:-$REPO/build}")
CACHE=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pcie-aux-bench}
# shellcheck source=versions
. "$REPO/tools/versions"

KTREE=${KTREE:-${KERNEL_SRC:-$BUILD/linux}}
JOBS=${JOBS:-$(( $(nproc) + 1 ))}
PY=/usr/bin/python3	# Debian's python; the default python3 here is not
# The kernel's own scripts (checkpatch's spdxcheck.py, kernel-doc) run
# "python3" from PATH: make that Debian's, which has their modules.
PATH=/usr/bin:$PATH

die() { echo "${0##*/}: error: $*" >&2; exit 1; }
log() { echo "${0##*/}: $*" >&2; }

# The Debian mirror this machine's apt uses (never written into the repo).
debian_mirror() {
	local m
	m=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
	    awk '{print $2}' | grep -m1 '/debian/*$' || true)
	[ -n "$m" ] || m=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
	    awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' |
	    grep -m1 '/debian/*$' || true)
	[ -n "$m" ] || die "cannot find a Debian mirror in the apt configuration"
	echo "${m%/}"
}

# fetch_pinned NAME: make sure $CACHE/dl/<tarball> exists with the pinned sha256;
# prints its path.  NAME is the prefix in tools/versions (LINUX, QEMU, SPARSE).
fetch_pinned() {
	local name=$1 tarball pool sum file url
	tarball=$(eval echo "\$${name}_TARBALL")
	pool=$(eval echo "\$${name}_POOL")
	sum=$(eval echo "\$${name}_SHA256")
	file=$CACHE/dl/$tarball
	mkdir -p "$CACHE/dl"
	if [ -f "$file" ] && echo "$sum  $file" | sha256sum -c --quiet - >/dev/null 2>&1; then
		echo "$file"; return 0
	fi
	url="$(debian_mirror)/$pool/$(echo "$tarball" | sed 's/~/%7E/g')"
	log "downloading $url"
	curl -fsS --retry 3 -o "$file.part" "$url" ||
		die "download of $tarball failed ($url); the pinned version may have left the mirror's pool"
	echo "$sum  $file.part" | sha256sum -c --quiet - >/dev/null 2>&1 ||
		die "checksum mismatch for $tarball: expected $sum, got $(sha256sum "$file.part" | cut -d' ' -f1)"
	mv "$file.part" "$file"
	echo "$file"
}

# config_fragments NAME: the paths of configs/NAME.config and of the fragments
# it "#@include"s, includes first (the order tools/kconfig applies them in).
config_fragments() {
	local f=$REPO/configs/$1.config inc
	[ -f "$f" ] || die "configs/$1.config (included) does not exist"
	for inc in $(sed -n 's/^#@include[[:space:]]\+//p' "$f"); do config_fragments "$inc"; done
	echo "$f"
}

# config_toolchain NAME: make's arguments for the architecture and compiler
# that configs/NAME.config, or a fragment it includes, asks for, one per
# line (for mapfile).  Directives, the last one read wins:
#   #@arch ARCH      the kernel architecture (default x86_64)
#   #@cross PREFIX   a cross toolchain (CROSS_COMPILE=PREFIX, CC=PREFIXgcc)
#   #@llvm [-N]      clang and the LLVM tools (LLVM=1, CC=clang); with -N,
#                    those of LLVM version N (LLVM=-N, CC=clang-N)
# The compiler runs under ccache.
config_toolchain() {
	local f arch=x86_64 cross='' llvm='' v
	for f in $(config_fragments "$1"); do
		v=$(sed -n 's/^#@arch[[:space:]]\{1,\}\([a-z0-9_]*\)[[:space:]]*$/\1/p' "$f" | tail -n1)
		[ -z "$v" ] || arch=$v
		v=$(sed -n 's/^#@cross[[:space:]]\{1,\}\([A-Za-z0-9_.-]*\)[[:space:]]*$/\1/p' "$f" | tail -n1)
		[ -z "$v" ] || cross=$v
		v=$(sed -n 's/^#@llvm\([[:space:]]\{1,\}\(-[0-9]\{1,\}\)\)\{0,1\}[[:space:]]*$/=\2/p' "$f" | tail -n1)
		[ -z "$v" ] || llvm=$v
	done
	echo "ARCH=$arch"
	if [ -n "$cross" ]; then echo "CROSS_COMPILE=$cross"; fi
	if [ -n "$llvm" ]; then
		llvm=${llvm#=}
		printf '%s\n' "LLVM=${llvm:-1}" "CC=ccache clang$llvm"
	else
		echo "CC=ccache ${cross}gcc"
	fi
}

# Identity the series is written under; tools/resign replaces it.
PROJECT_NAME="Seed 053e3d61"
PROJECT_EMAIL="seed-053e3d61@example.org"

# The patches named in series, in order.
series_files() {
	grep -v -e '^#' -e '^[[:space:]]*$' "$REPO/series" 2>/dev/null | awk '{print $1}' || true
}
# A hash of the series (names and contents): the tree is up to date when its
# .git/bench-series records this hash with its HEAD.
series_hash() {
	{ series_files; for p in $(series_files); do cat "$REPO/patches/$p"; done; } |
		sha256sum | cut -c1-16
}
record_series() {
	[ -n "${KERNEL_SRC:-}" ] || echo "$(series_hash) $(git -C "$KTREE" rev-parse HEAD)" > "$KTREE/.git/bench-series"
}
