if [ -f "$binary" ] && cmp -s "$candidate" "$binary"; then
    echo "fisco-bcos $reported at $binary: unchanged"
else
    mv -f "$candidate" "$binary"
    echo "fisco-bcos $reported installed at $binary"
fi
