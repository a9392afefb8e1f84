# Given (above this body): deploy_dir node node_id owner delete_data, and node_folder for a node
# whose folder is not named after it (infra/topology/node-folder.ts).
node_folder=${node_folder:-$node}
node_dir="$deploy_dir/$node_folder"
owner_file="$node_dir/.bcos-pulumi-owner"
if [ ! -e "$node_dir" ] && [ ! -L "$node_dir" ]; then
    echo "$node: no folder at $node_dir, nothing to remove"
    exit 0
fi
# Only the folder this stack made for this node is stopped and moved: its marker names both. A
# folder an earlier version made (no marker yet) is recognised by its start marker and node ID.
leave() {
    echo "$node: $node_dir $*; it is left as it is (not stopped, not moved)" >&2
    exit 0
}
[ -d "$node_dir" ] || leave "is not a folder"
if [ -f "$owner_file" ]; then
    marked_stack=$(sed -n 's/^stack=//p' "$owner_file" | head -n 1)
    marked_id=$(sed -n 's/^node_id=//p' "$owner_file" | head -n 1)
    [ "$marked_stack" = "$owner" ] && [ "$marked_id" = "$node_id" ] ||
        leave "belongs to stack '$marked_stack', node ID ${marked_id:-?} (its .bcos-pulumi-owner), not to stack '$owner', node ID $node_id"
else
    folder_id=$(cat "$node_dir/conf/gmnode.nodeid" 2>/dev/null || cat "$node_dir/conf/node.nodeid" 2>/dev/null || true)
    [ -f "$node_dir/.started-binary.sha256" ] && [ "$(tr -d '[:space:]' <<<"$folder_id")" = "$node_id" ] ||
        leave "has no .bcos-pulumi-owner, so bcos-pulumi did not make it for this node"
fi
if [ -f "$node_dir/stop.sh" ]; then
    # A folder is only moved or deleted once its node is down.
    (cd "$node_dir" && bash stop.sh </dev/null) || { echo "$node: stop.sh failed; $node_dir is left in place" >&2; exit 1; }
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
