#!/bin/bash
# Builds one Debian package with plain dpkg-deb from what the Maven build staged in STAGE:
# lib/ (the class path, one jar per dependency), man/ (troff pages) and completion/tcprec.
# With --runtime=own it adds a Java runtime made by jlink from the building JDK with only MODULES;
# with --runtime=debian the launcher runs Debian's Java 17 runtime, which DEPS must name.
# It bundles the build host's libbpf 1.x (see below), and adds /usr/bin/tcprec, the copyright file (COPYRIGHT's paragraphs about what the package
# holds) and the changelog (changelog.gz: the version has no Debian revision, a native package).
#
#   build-deb.sh --package=NAME --conflicts=NAME --summary=TEXT --main=CLASS
#                --runtime=own --modules=M1,M2 | --runtime=debian
#                --stage=DIR --version=V --depends=DEPS --copyright=FILE --jdk=JAVA_HOME --out=DIR
set -euo pipefail

runtime= modules=
for arg; do
    case $arg in
        --package=* | --conflicts=* | --summary=* | --main=* | --runtime=* | --modules=* | --stage=* | --version=* | \
        --depends=* | --copyright=* | --jdk=* | --out=*)
            key=${arg%%=*}
            printf -v "${key#--}" '%s' "${arg#*=}" ;;
        *) echo "build-deb.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done

root="$stage/root"
prefix=/usr/lib/tcprec
doc=/usr/share/doc/$package
rm -rf "$root"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root$prefix/lib" "$root/usr/share/man/man1" \
    "$root/usr/share/bash-completion/completions" "$root$doc"

cp "$stage"/lib/*.jar "$root$prefix/lib/"

# libbpf 1.x travels inside the package: Ubuntu 22.04 has only libbpf 0.5 (libbpf.so.0), whose API
# tcprec does not bind (the README says which functions), and no libbpf1. The build host's
# libbpf.so.1 goes into $prefix/native, where the launcher points JNA first; the package then
# depends on what that library's own Debian package depends on, instead of on libbpf1.
libbpf=$(ldconfig -p | awk '$1 == "libbpf.so.1" && /x86-64/ { print $NF; exit }')
[ -n "$libbpf" ] || { echo "build-deb.sh: the build host has no libbpf.so.1 to bundle (install libbpf1)" >&2; exit 1; }
libbpf=$(readlink -f "$libbpf")
libbpf_version=${libbpf##*/libbpf.so.}
case $libbpf_version in
    1.[1-9]* | [2-9].*) ;;
    *) echo "build-deb.sh: $libbpf is libbpf $libbpf_version; tcprec needs 1.1 or later" >&2; exit 1 ;;
esac
mkdir -p "$root$prefix/native"
install -m 644 "$libbpf" "$root$prefix/native/libbpf.so.1"
libbpf_package=$(dpkg -S "$libbpf" | cut -d: -f1)
libbpf_depends=$(dpkg-query -W -f '${Depends}' "$libbpf_package")
# One entry per package: the bundled library's versioned needs win over the same package unversioned
depends=$(printf '%s, %s' "$depends" "$libbpf_depends" | tr ',' '\n' | sed 's/^ *//; s/ *$//' \
    | awk '$1 != "libc6" { name = $1; if (!(name in seen)) order[++n] = name; if (!(name in seen) || NF > 1) seen[name] = $0 }
           END { for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? ", " : ""), seen[order[i]] }')
case $runtime in
    own)
        "$jdk/bin/jlink" --add-modules "$modules" --output "$root$prefix/runtime" \
            --strip-debug --no-header-files --no-man-pages
        comment="its own Java runtime"
        runtime_note="It carries its own Java runtime, made by jlink."
        find_java="java=$prefix/runtime/bin/java" ;;
    debian)
        comment="Debian's Java runtime (see its Depends)"
        runtime_note="It runs on Debian's Java 17 runtime."
        find_java='# openjdk-17-jre-headless'"'"'s, else the java another java17-runtime-headless put on the PATH
java=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
[ -x "$java" ] || java=java' ;;
    *) echo "build-deb.sh: --runtime=own or --runtime=debian" >&2; exit 2 ;;
esac
record_options=$(sed 's/#.*//' "$(dirname "$0")/../recorder/record-jvm-options" | xargs)
cat > "$root/usr/bin/tcprec" <<LAUNCHER
#!/bin/sh
# Installed by the $package package: $comment, its own class path.
$find_java
jvm_options=
[ "\${1:-}" != record ] || jvm_options='$record_options'
exec "\$java" \$jvm_options --enable-native-access=ALL-UNNAMED -Djna.library.path=$prefix/native -cp '$prefix/lib/*' $main "\$@"
LAUNCHER
chmod 755 "$root/usr/bin/tcprec"
for page in "$stage"/man/*.1; do
    gzip -9n < "$page" > "$root/usr/share/man/man1/$(basename "$page").gz"
done
# bash-completion sources the file: no #! line
sed '1{/^#!/d}' "$stage/completion/tcprec" > "$root/usr/share/bash-completion/completions/tcprec"
# Debian's copyright file: COPYRIGHT's header, then each paragraph whose Files match something
# in this package, then the licence texts those paragraphs name
awk -v root="$root" '
    function matches(files,    n, i, g, cmd, found) {
        n = split(files, g, " ")
        for (i = 1; i <= n; i++) {
            cmd = "ls -d " root "/" g[i] " >/dev/null 2>&1"
            if (system(cmd) == 0) return 1
        }
        return 0
    }
    BEGIN { RS = ""; ORS = "\n\n" }
    NR == 1 { print; next }
    /^Files:/ {
        files = $0; sub(/^Files: */, "", files); sub(/\n.*/, "", files)
        if (matches(files)) {
            print
            lic = $0; sub(/.*\nLicense: */, "", lic); sub(/\n.*/, "", lic)
            k = split(lic, names, / (or|and) /)
            for (j = 1; j <= k; j++) used[names[j]] = 1
        }
        next
    }
    /^License:/ { name = $0; sub(/^License: */, "", name); sub(/\n.*/, "", name); licence[++n] = $0; licname[n] = name }
    END {
        for (i = 1; i <= n; i++) {
            if (licname[i] in used) print licence[i]
        }
    }' "$copyright" | sed -e '$ { /^$/d }' > "$root$doc/copyright"
printf '%s (%s) unstable; urgency=medium\n\n  * Built from commit %s.\n\n -- tcprec developers <tcprec@invalid>  %s\n' \
    "$package" "$version" "$(git -C "$(dirname "$0")" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)" \
    "$(date -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$(dirname "$0")" log -1 --format=%ct 2>/dev/null || date +%s)}")" \
    | gzip -9n > "$root$doc/changelog.gz"
find "$root" -type d -exec chmod 755 {} +
find "$root/usr/share" -type f -exec chmod 644 {} +
if [ -d "$root$prefix/runtime/legal" ]; then find "$root$prefix/runtime/legal" -type f -exec chmod 644 {} +; fi

# The C library the package's native code was linked against (the newest symbol version it uses):
# the runtime's binaries, if it has one, and the libraries inside the jars
natives=$(mktemp -d)
trap 'rm -rf "$natives"' EXIT
for jar in "$root$prefix"/lib/*.jar; do
    mapfile -t libs < <("$jdk/bin/jar" tf "$jar" | grep -E '\.so($|_)' || true)
    if [ ${#libs[@]} -gt 0 ]; then (cd "$natives" && "$jdk/bin/jar" xf "$jar" "${libs[@]}"); fi
done
glibc=$(find "$natives" "$root$prefix" -type f \( -name '*.so' -o -name '*.so.[0-9]*' -o -name '*.so_*' -o -path '*/runtime/bin/*' \) \
    -exec objdump -T {} + 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
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
 bcc-style reports. $runtime_note
CONTROL

deb="$out/${package}_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zzstd -z9 --build "$root" "$deb"
echo "$deb: $(stat -c %s "$deb") bytes, installed $(du -sk --exclude=DEBIAN "$root" | cut -f1) KiB"
