#!/usr/bin/env bash
# Check that the Linux tarball made by `make dist` runs on a fresh Debian 12: a minbase bookworm chroot (nothing but the
# base system) plus the few packages below, running four commands with the offscreen Qt platform.
#
#   sudo installer/linux/check-fresh-debian.sh dist/hartdesk-0.1.0-linux-x86_64.tar.gz [CHROOT_DIR]
#
# CHROOT_DIR defaults to /tmp/fresh-debian; it is created with debootstrap when missing (about 30 s, about 250 MB) and
# reused otherwise. Prints PASS/FAIL for each command and exits 1 if any failed. Needs root, mounts and network access to
# deb.debian.org: where the machine cannot provide them (not root, a container without mount rights, no mirror) it
# exits 3, so CI can tell "could not check here" from "the bundle fails" (.ci/run). Usage errors exit 2.
# shellcheck disable=SC2016 # single-quoted $-strings are for dpkg-query and the chroot shell
set -euo pipefail

# Debian packages the bundle needs beyond minbase (apt pulls in their dependencies, about 45 packages, mostly Mesa).
# "desktop": whether a stock Debian 12 GNOME install (task-desktop + task-gnome-desktop) already has it.
PACKAGES=(
    libgl1            # libGL.so.1: NEEDED by libQt6Gui, so any GUI command fails without it. desktop: yes
    libegl1           # libEGL.so.1: NEEDED by libQt6Gui. desktop: yes
    libxcb1           # libxcb.so.1: NEEDED by the bundled libX11.so.6 (PyInstaller does not bundle it); also comes
                      # with libgl1. desktop: yes
    fontconfig-config # /etc/fonts/fonts.conf (+ fonts-dejavu-core): not needed for exit 0, but without it fontconfig
                      # prints "Cannot load default config file" and text is drawn with broken letter spacing.
                      # desktop: yes
)
# Not needed: libxcb-cursor0, libxkbcommon-x11-0, libxcb-icccm4, ... (the bundle ships its own copies, found through
# the LD_LIBRARY_PATH the PyInstaller bootloader sets); libwayland-cursor0/libwayland-egl1 are only for the Wayland
# plugins and the GTK3 theme plugin, which a Wayland desktop has anyway.

MIRROR=http://deb.debian.org/debian

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 TARBALL [CHROOT_DIR]" >&2
    exit 2
fi
cannot() { # the machine cannot make the fresh Debian: not the bundle's fault
    echo "$0: cannot check here: $*" >&2
    exit 3
}
if [[ $EUID -ne 0 ]]; then
    cannot "must be run as root (debootstrap, chroot, mount)"
fi
tarball=$(realpath -e "$1")
root=$(realpath -m "${2:-/tmp/fresh-debian}")
if [[ $root == / ]]; then
    echo "$0: refusing to use / as the chroot" >&2
    exit 2
fi
version=$(basename "$tarball" | sed -n 's/^hartdesk-\([0-9][^-]*\)-linux-.*\.tar\.gz$/\1/p')

mounted=()
cleanup() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || echo "warning: could not unmount ${mounted[i]}" >&2
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '== %s\n' "$*"; }
t0=$SECONDS

# 1. The fresh Debian.
if [[ -x $root/usr/bin/apt-get && -f $root/var/lib/dpkg/status ]]; then
    step "reusing chroot $root"
else
    if [[ -e $root && -n $(ls -A "$root" 2>/dev/null) ]]; then
        echo "$0: $root exists but is not a usable chroot (interrupted debootstrap?); delete it first" >&2
        exit 2
    fi
    if ! command -v debootstrap >/dev/null; then
        step "installing debootstrap on the host"
        apt-get install -y debootstrap >/dev/null || cannot "debootstrap could not be installed"
    fi
    step "debootstrap --variant=minbase bookworm $root"
    debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"${root%/}.debootstrap.log" 2>&1 || {
        tail -20 "${root%/}.debootstrap.log" >&2
        rm -rf "$root"  # half made: the next run starts again
        cannot "debootstrap failed (network? see above)"
    }
fi
t_base=$SECONDS

mount -t proc proc "$root/proc" || cannot "no right to mount /proc in the chroot"
mounted+=("$root/proc")
if [[ ! -c $root/dev/null ]]; then # debootstrap could not create device nodes (e.g. inside a container)
    mount --bind /dev "$root/dev" || cannot "no right to bind-mount /dev in the chroot"  # /dev/shm comes with it
    mounted+=("$root/dev")
else
    mount -t tmpfs -o mode=1777 shm "$root/dev/shm" || cannot "no right to mount /dev/shm in the chroot"
    mounted+=("$root/dev/shm")
fi

# 2. The packages.
step "apt-get install --no-install-recommends ${PACKAGES[*]}"
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get update -qq || cannot "apt-get update failed in the chroot"
before=$(chroot "$root" dpkg-query -W -f='${Status}\n' | grep -c ' installed$')
apt_log=$root/var/log/hartdesk-check-apt.log
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PACKAGES[@]}" \
    >"$apt_log" 2>&1 || {
    tail -20 "$apt_log" >&2
    cannot "the packages could not be installed in the chroot"
}
after=$(chroot "$root" dpkg-query -W -f='${Status}\n' | grep -c ' installed$')
echo "   $((after - before)) packages newly installed ($before -> $after)"
t_pkgs=$SECONDS

# 3. The bundle.
step "unpacking $(basename "$tarball") into $root/opt"
rm -rf "$root/opt/hartdesk" "$root/tmp/hartdesk-check"
mkdir -p "$root/tmp/hartdesk-check"
tar -xzf "$tarball" -C "$root/opt"
echo "   $(du -sh "$root/opt/hartdesk" | cut -f1) unpacked"
missing=$(chroot "$root" env LD_LIBRARY_PATH=/opt/hartdesk/_internal sh -c \
    'for f in /opt/hartdesk/_internal/PySide6/Qt/plugins/platforms/*.so /opt/hartdesk/_internal/PySide6/Qt/lib/*.so*; do
         ldd "$f" 2>/dev/null; done' | awk '/not found/ {print $1}' | sort -u | paste -sd ' ')
echo "   unresolved libraries of Qt and its platform plugins: ${missing:-none}"
t_unpack=$SECONDS

# 4. The four commands, each with a private HOME.
failures=0
run() { # NAME EXPECTED_OUTPUT_OR_EMPTY ENV... -- ARGS...
    local name=$1 expect=$2 envs=() rc out
    shift 2
    while [[ $1 != -- ]]; do envs+=("$1"); shift; done
    shift
    local dir=/tmp/hartdesk-check/$name
    mkdir -p "$root$dir/home"
    set +e
    out=$(chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$dir/home" QT_QPA_PLATFORM=offscreen "${envs[@]}" \
        timeout 300 /opt/hartdesk/hartdesk "$@" 2>&1)
    rc=$?
    set -e
    printf '%s\n' "$out" >"$root$dir/output.txt"
    if [[ $rc -eq 0 && ( -z $expect || $out == *"$expect"* ) ]]; then
        echo "PASS  ${envs[*]}${envs[*]:+ }hartdesk $*  (exit 0)"
    else
        echo "FAIL  ${envs[*]}${envs[*]:+ }hartdesk $*  (exit $rc${expect:+, expected output \"$expect\"})"
        printf '%s\n' "$out" | tail -15 | sed 's/^/      | /'
        local log
        log=$(printf '%s\n' "$out" | sed -n 's/.*Details are in \(\/[^ ]*\.log\).*/\1/p' | tail -1)
        if [[ -n $log && -f $root$log ]]; then
            grep -E '^[A-Za-z_.]*(Error|Exception)' "$root$log" | tail -1 | sed 's/^/      | log: /' || true
        fi
        failures=$((failures + 1))
    fi
    if [[ $out == *"Fontconfig error"* ]]; then
        echo "      warning: fontconfig has no configuration (install fontconfig-config)"
    fi
}
reg=/tmp/hartdesk-check/register
run version "hartdesk${version:+ $version}" -- --version
run demo "" -- demo --register "$reg" --clients 5
run gui-register "" -- gui --smoke-test --register "$reg"
mkdir -p "$root/tmp/hartdesk-check/empty-home"
run gui-first-run "" HARTDESK_HOME=/tmp/hartdesk-check/empty-home -- gui --smoke-test
t_end=$SECONDS

echo "timings: chroot $((t_base - t0)) s, packages $((t_pkgs - t_base)) s, unpack $((t_unpack - t_pkgs)) s," \
    "commands $((t_end - t_unpack)) s, total $((t_end - t0)) s"
if [[ $failures -ne 0 ]]; then
    echo "RESULT: FAIL ($failures of 4 commands failed; outputs in $root/tmp/hartdesk-check)"
    exit 1
fi
echo "RESULT: PASS (4 of 4 commands on a minbase Debian 12 + ${PACKAGES[*]})"
