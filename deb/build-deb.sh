#!/bin/bash
# Builds one Debian package with plain dpkg-deb from what the Maven build staged in STAGE:
# lib/ (the class path, one jar per dependency), man/ (troff pages) and completion/tcprec.
# It adds a Java runtime made by jlink from the building JDK with only MODULES, and /usr/bin/tcprec.
#
#   build-deb.sh --package=NAME --conflicts=NAME --summary=TEXT --main=CLASS --modules=M1,M2
#                --stage=DIR --version=V --depends=DEPS --jdk=JAVA_HOME --out=DIR
set -euo pipefail

for arg; do
    case $arg in
        --package=* | --conflicts=* | --summary=* | --main=* | --modules=* | --stage=* | --version=* | \
        --depends=* | --jdk=* | --out=*)
            key=${arg%%=*}
            printf -v "${key#--}" '%s' "${arg#*=}" ;;
        *) echo "build-deb.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done

root="$stage/root"
prefix=/usr/lib/tcprec
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root$prefix/lib" "$root/usr/share/man/man1" \
    "$root/usr/share/bash-completion/completions"

"$jdk/bin/jlink" --add-modules "$modules" --output "$root$prefix/runtime" \
    --strip-debug --no-header-files --no-man-pages
cp "$stage"/lib/*.jar "$root$prefix/lib/"
cat > "$root/usr/bin/tcprec" <<LAUNCHER
#!/bin/sh
# Installed by the $package package: its own Java runtime, its own class path.
exec $prefix/runtime/bin/java --enable-native-access=ALL-UNNAMED -cp '$prefix/lib/*' $main "\$@"
LAUNCHER
chmod 755 "$root/usr/bin/tcprec"
for page in "$stage"/man/*.1; do
    gzip -9n < "$page" > "$root/usr/share/man/man1/$(basename "$page").gz"
done
cp "$stage/completion/tcprec" "$root/usr/share/bash-completion/completions/tcprec"
find "$root" -type d -exec chmod 755 {} +
find "$root/usr/share" -type f -exec chmod 644 {} +

# The C library the runtime's binaries were linked against (the newest symbol version they use)
glibc=$(find "$root$prefix/runtime" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec objdump -T {} + 2>/dev/null \
    | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: $package
Version: $version
Architecture: amd64
Maintainer: tcprec developers <tcprec@invalid>
Section: net
Priority: optional
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: libc6 (>= $glibc), $depends
Conflicts: $conflicts
Replaces: $conflicts
Description: $summary
 tcprec attaches eBPF programs to the kernel's TCP tracepoints and writes every
 event into one self-describing Parquet trace, which its analyzer replays into
 bcc-style reports. This package carries its own Java runtime.
CONTROL

deb="$out/${package}_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zzstd -z9 --build "$root" "$deb"
echo "$deb: $(stat -c %s "$deb") bytes, installed $(du -sk --exclude=DEBIAN "$root" | cut -f1) KiB"
