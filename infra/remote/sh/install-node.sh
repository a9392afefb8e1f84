node_dir="$deploy_dir/$node"
binary="$deploy_dir/fisco-bcos"
# The binary digest the running process was started from; a different one means restart.
started_marker="$node_dir/.started-binary.sha256"
fail() { echo "$node: $*" >&2; exit 1; }

show_logs() {
    if [ -f "$node_dir/nohup.out" ]; then
        echo "--- $node: end of nohup.out" >&2
        tail -n 30 "$node_dir/nohup.out" >&2
    fi
    local latest
    latest=$(ls -t "$node_dir"/log/*.log 2>/dev/null | head -n 1) || true
    if [ -n "$latest" ]; then
        echo "--- $node: end of ${latest#"$node_dir/"}" >&2
        tail -n 30 "$latest" >&2
    fi
}

[ -x "$binary" ] || fail "no node binary at $binary"
actual_binary=$(sha256sum "$binary" | cut -d ' ' -f 1)

# A first install starts the node; only an installed node is restarted for new files.
installed=""
[ -f "$node_dir/config.ini" ] && installed=1
mkdir -p "$node_dir"
staging=$(mktemp -d "$deploy_dir/.staging-$node.XXXXXX")
trap 'rm -rf "$staging"' EXIT
base64 -d | tar -xzf - -C "$staging" --no-same-owner || fail "the node package on stdin is not a base64 tar.gz"
[ -d "$staging/$node" ] || fail "the node package has no $node/ folder"

changed=()
restart=""
while IFS= read -r -d '' source; do
    relative=${source#"$staging/$node/"}
    case "$relative" in
        data/* | log/* | nohup.out) continue ;; # runtime state is the node's own
    esac
    target="$node_dir/$relative"
    if [ -f "$target" ] && cmp -s "$source" "$target"; then continue; fi
    mkdir -p "$(dirname "$target")"
    # Copy beside the target, then rename: the node never reads a half-written file.
    cp "$source" "$target.new"
    chmod --reference="$source" "$target.new"
    mv -f "$target.new" "$target"
    changed+=("$relative")
    case "$relative" in
        config.ini | conf/*) [ -n "$installed" ] && restart="configuration changed" ;;
    esac
done < <(find "$staging/$node" -type f -print0 | sort -z)

find "$node_dir" \( -path "$node_dir/data" -o -path "$node_dir/log" \) -prune -o -type f -name '*.key' -exec chmod 600 {} +

if [ "${#changed[@]}" -eq 0 ]; then
    echo "$node: files unchanged"
else
    echo "$node: wrote ${changed[*]}"
fi
if [ -f "$started_marker" ] && [ "$(cat "$started_marker")" != "$actual_binary" ]; then
    restart="${restart:+$restart, }binary changed"
fi

# Prints the node's raw answer to one JSON-RPC call (method, params), nothing when there is none.
rpc_call() {
    local request="{\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"params\":$2,\"id\":1}"
    if command -v curl >/dev/null 2>&1; then
        curl -s --max-time 3 -H 'Content-Type: application/json' --data "$request" "http://127.0.0.1:$rpc_port/" || true
    else
        # Plain HTTP/1.0 over bash's /dev/tcp: the server closes the connection after its answer.
        timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
            printf "POST / HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" "${#2}" "$2" >&3
            cat <&3' rpc "$rpc_port" "$request" 2>/dev/null || true
    fi
}
rpc_answers() { rpc_call getClientVersion '[]' | grep -q '"result"'; }
# Connected P2P peers. getPeers takes a group id, so one of the node's own groups is passed.
peer_count() {
    local group
    group=$(find conf -maxdepth 1 -name 'group.*.genesis' | sed -n 's/.*group\.\([0-9][0-9]*\)\.genesis$/\1/p' | head -n 1) || true
    { rpc_call getPeers "[${group:-1}]" | grep -o '"NodeID"' || true; } | wc -l
}

cd "$node_dir"
# A restarted sealer counts as back once it has its peers again, not merely when it answers:
# only then may the next sealer of its group go down.
peers_before=0
if [ -n "$restart" ]; then
    peers_before=$(peer_count)
    echo "$node: restarting ($restart)"
    bash stop.sh || { show_logs; fail "stop.sh failed"; }
fi
started=$(bash start.sh 2>&1) || { echo "$started" >&2; show_logs; fail "start.sh failed"; }
echo "$started"
# start.sh reports "(pid N)" whether it started the node or found it running.
pid=$(sed -n 's/.*(pid \([0-9][0-9]*\)).*/\1/p' <<<"$started" | tail -n 1)
[ -n "$pid" ] || fail "start.sh did not report a pid"

# Alive and not a zombie: in containers whose init does not reap, an exited node lingers as one.
node_alive() {
    local state
    state=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
    [[ $state != Z* ]]
}

deadline=$((SECONDS + health_timeout))
until rpc_answers; do
    if ! node_alive; then
        show_logs
        fail "the node process (pid $pid) exited after start; see the log above"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        show_logs
        fail "JSON-RPC on 127.0.0.1:$rpc_port gave no answer within ${health_timeout}s of start"
    fi
    sleep 1
done
until [ "$(peer_count)" -ge "$peers_before" ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
        show_logs
        fail "has $(peer_count) P2P peers ${health_timeout}s after restart, had $peers_before before"
    fi
    sleep 1
done
node_alive || { show_logs; fail "the node process (pid $pid) is not running"; }
echo "$actual_binary" >"$started_marker"
echo "$node: healthy (pid $pid, JSON-RPC on 127.0.0.1:$rpc_port, $(peer_count) peers)"
