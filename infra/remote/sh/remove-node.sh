node_dir="$deploy_dir/$node"
if [ ! -d "$node_dir" ]; then
    echo "$node: no folder at $node_dir, nothing to remove"
    exit 0
fi
if [ -f "$node_dir/stop.sh" ]; then
    # A folder is only moved or deleted once its node is down.
    (cd "$node_dir" && bash stop.sh) || { echo "$node: stop.sh failed; $node_dir is left in place" >&2; exit 1; }
fi
if [ "$delete_data" = 1 ]; then
    rm -rf "$node_dir"
    echo "$node: stopped, $node_dir deleted (deleteDataOnRemove)"
    exit 0
fi
mkdir -p "$deploy_dir/.removed"
target="$deploy_dir/.removed/$node-$(date -u +%Y%m%dT%H%M%SZ)"
# Two removals within one second must not nest one folder inside the other.
suffix=1
while [ -e "$target" ]; do
    target="$deploy_dir/.removed/$node-$(date -u +%Y%m%dT%H%M%SZ).$suffix"
    suffix=$((suffix + 1))
done
mv "$node_dir" "$target"
echo "$node: stopped, folder moved to $target"
