#!/usr/bin/env bash
# Python 3.14 and 3.15 on a Debian 12 (bookworm) machine, from Debian sid's binary packages,
# for running the suite on a newer Python where no python.org or uv download is reachable.
# A development aid, not part of .ci/run (CI gets its Pythons from actions/setup-python).
#
#   bash .ci/python-from-debian-sid.sh              # 3.14 and 3.15 into /opt/python-sid
#   PATH=/opt/python-sid/usr/bin:$PATH tox -e py314 # tox finds python3.14 on PATH
#   /opt/python-sid/usr/bin/python3.14 -m venv /work/venv314
#
# Nothing is installed into the system: the packages are only downloaded (a private apt
# config, the system's sources untouched) and unpacked under PREFIX. Sid's binaries need
# sid's glibc, so the interpreters are patched (patchelf) to use the unpacked loader and
# libraries (an RPATH, which extension modules in lib-dynload inherit); no LD_LIBRARY_PATH,
# which would leak into the system programs the tests start. sys.executable and venvs made
# from it work as usual. Debian's ensurepip looks for pip's wheel in /usr/share/python-wheels:
# pointed at PREFIX's copy. Needs root for apt-get (or PREFIX and APT_DIR you can write).
set -euo pipefail

VERSIONS=${*:-3.14 3.15}
PREFIX=${PREFIX:-/opt/python-sid}
APT_DIR=${APT_DIR:-/tmp/python-sid-apt}
LIB=$PREFIX/usr/lib/x86_64-linux-gnu

mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/archives/partial" "$APT_DIR/debs" "$PREFIX"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
     "http://deb.debian.org/debian sid main" > "$APT_DIR/sources.list"
APT=(-o "Dir::Etc::sourcelist=$APT_DIR/sources.list" -o "Dir::Etc::sourceparts=-"
     -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache::Archives=$APT_DIR/archives")
apt-get "${APT[@]}" -q update

# the C libraries the interpreter and its stdlib extension modules link (sid's versions)
packages=(libc6 libc-gconv-modules-extra libgcc-s1 libstdc++6 libexpat1 zlib1g libssl3t64
          libbz2-1.0 libdb5.3t64 libffi8 liblzma5 libncursesw6 libreadline8t64 libsqlite3-0
          libtinfo6 libuuid1 libzstd1 python3-pip-whl python3-setuptools-whl)
for v in $VERSIONS; do
    packages+=("python$v" "python$v-minimal" "libpython$v-minimal" "libpython$v-stdlib"
               "python$v-venv" "python$v-dev" "libpython$v-dev" "libpython$v")
done
(cd "$APT_DIR/debs" && rm -f ./*.deb && apt-get "${APT[@]}" -q download "${packages[@]}")
for deb in "$APT_DIR"/debs/*.deb; do
    dpkg -x "$deb" "$PREFIX"
done

command -v patchelf >/dev/null || apt-get install -y -q patchelf  # bookworm's own package
for v in $VERSIONS; do
    patchelf --set-interpreter "$LIB/ld-linux-x86-64.so.2" --force-rpath --set-rpath "$LIB" \
        "$PREFIX/usr/bin/python$v"
    sed -i "s|'WHEEL_PKG_DIR': '/usr/share/python-wheels/'|'WHEEL_PKG_DIR': '$PREFIX/usr/share/python-wheels/'|" \
        "$PREFIX/usr/lib/python$v"/_sysconfigdata__*.py
    # Debian's pyconfig.h includes <x86_64-linux-gnu/python3.X/pyconfig.h>, found only under
    # /usr/include: the real one in its place, so sdists (C and C++) build against PREFIX
    cp "$PREFIX/usr/include/x86_64-linux-gnu/python$v/pyconfig.h" \
       "$PREFIX/usr/include/python$v/pyconfig.h"
    # the proof: the stdlib's C modules load, against sid's libraries only
    "$PREFIX/usr/bin/python$v" -c '
import bz2, ctypes, ensurepip, lzma, readline, sqlite3, ssl, sys, venv, zlib
outside = {line.split()[-1] for line in open("/proc/self/maps")
           if ".so" in line and not line.split()[-1].startswith(sys.argv[1])}
assert not outside, f"libraries from outside the prefix: {sorted(outside)}"
print(sys.executable, sys.version.split()[0], ssl.OPENSSL_VERSION,
      "sqlite", sqlite3.sqlite_version, "pip", ensurepip.version())
' "$PREFIX"
done
