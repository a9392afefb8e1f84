# A deployDir whose node folders may belong to several stacks (agency stacks of one consortium):
# every folder here starts the same file (start.sh runs ../fisco-bcos), so it is placed where
# there is none, kept when equal, and replaced only while no other stack's node folder is here.
# Given (environment) besides fetch-binary.sh's: owner, this stack (`<project>/<stack>`).
# ln makes no link over an existing file: of two stacks placing a binary at once, one places it
# and the other compares with it.
if ln -T "$candidate" "$binary" 2>/dev/null; then
    echo "fisco-bcos $reported installed at $binary"
elif cmp -s "$candidate" "$binary"; then
    echo "fisco-bcos $reported at $binary: unchanged"
else
    others=""
    for folder in "$deploy_dir"/*/; do
        folder=${folder%/}
        if [ -f "$folder/.bcos-pulumi-owner" ]; then
            marked=$(sed -n 's/^stack=//p' "$folder/.bcos-pulumi-owner" | head -n 1)
            [ "$marked" = "$owner" ] || others="$others ${folder##*/} (stack $marked)"
        elif [ -f "$folder/config.ini" ]; then
            others="$others ${folder##*/} (no .bcos-pulumi-owner)"
        fi
    done
    if [ -n "$others" ]; then
        there=$(sha256sum "$binary" | cut -d ' ' -f 1)
        fail "$binary (sha256 $there) differs from chain.binary, and nodes of other stacks run from it:$others; it is left as it is (replacing it would change what they run): give this agency's hosts a deployDir of their own, or set chain.binary to the binary that is there (sha256 $there)"
    fi
    mv -f "$candidate" "$binary"
    echo "fisco-bcos $reported installed at $binary (only this stack's nodes run from it)"
fi
