# Given (environment): deploy_dir file url expected_sha256 expected_version require_gm.
binary="$deploy_dir/fisco-bcos"
fail() { echo "fisco-bcos binary for $deploy_dir on $(hostname 2>/dev/null || echo '?'): $*" >&2; exit 1; }

mkdir -p "$deploy_dir"
# Inside deployDir so the final mv is a rename on one file system: running nodes keep their file.
work=$(mktemp -d "$deploy_dir/.binary.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ -n "$url" ]; then
    if command -v curl >/dev/null 2>&1; then
        curl -fsSL -o "$work/download" "$url" || fail "cannot download $url"
    elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$work/download" "$url" || fail "cannot download $url"
    else
        fail "neither curl nor wget is installed to download $url"
    fi
    fetched="$work/download"
else
    [ -f "$file" ] || fail "$file does not exist"
    fetched="$file"
fi

if [ -n "$expected_sha256" ]; then
    actual_sha256=$(sha256sum "$fetched" | cut -d ' ' -f 1)
    [ "$actual_sha256" = "$expected_sha256" ] ||
        fail "sha256 mismatch: expected $expected_sha256 (chain.binary.sha256, else the digest of chain.binary.path where Pulumi runs) but ${url:-$file} has $actual_sha256"
fi

candidate="$work/fisco-bcos"
if [ -n "$url" ] && tar -tzf "$fetched" >/dev/null 2>&1; then
    mkdir "$work/unpacked"
    tar -xzf "$fetched" -C "$work/unpacked" --no-same-owner
    found=$(find "$work/unpacked" -type f -name fisco-bcos | head -n 1)
    [ -n "$found" ] || fail "$url holds no file named fisco-bcos"
    cp "$found" "$candidate"
else
    cp "$fetched" "$candidate"
fi
chmod 755 "$candidate"

# "FISCO-BCOS Version : 2.11.1 gm" -> "2.11.1 gm"
reported=$("$candidate" -v 2>&1 | sed -n 's/^.*Version[[:space:]]*:[[:space:]]*//p' | head -n 1) || true
[ -n "$reported" ] || fail "fisco-bcos -v printed no version (is it a FISCO BCOS binary for this machine?)"
actual_version=${reported%% *}
[ "$actual_version" = "$expected_version" ] ||
    fail "version mismatch: chain.version is $expected_version but fisco-bcos -v reports $reported"
if [ "$require_gm" = 1 ]; then
    case " $reported " in
        *" gm "*) ;;
        *) fail "not a GM build: chain.smCrypto is true, so fisco-bcos -v must report '$expected_version gm', it reports '$reported'" ;;
    esac
fi

