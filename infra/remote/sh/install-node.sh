# Given (environment): deploy_dir node rpc_port health_timeout binary_revision owner expect_ledger,
# and for an imported node adopt_node_id adopt_same (see infra/import/adopted-install.ts), and
# node_folder for a node whose folder is not named after it (infra/topology/node-folder.ts).
adopt_node_id=${adopt_node_id:-}
adopt_same=${adopt_same:-}
node_folder=${node_folder:-$node}
# Given (above this body): node_package, the node folder as a base64 tar.gz (paths <node>/...).
node_dir="$deploy_dir/$node_folder"
binary="$deploy_dir/fisco-bcos"
owner_file="$node_dir/.bcos-pulumi-owner"
# The binary digest the running process was started from; a different one means restart.
started_marker="$node_dir/.started-binary.sha256"
# Blocks a restarted node may still be behind its group and count as caught up (the 10 blocks
# FISCO's SDKs use to call a node synced).
sync_slack=10
where="$node on $(hostname 2>/dev/null || echo '?') in $deploy_dir"
step="checking the binary"

# Set once the folder is known to be this node's: only then are its logs shown.
ours=""
show_logs() {
    [ -n "$ours" ] || return 0
    if [ -f "$node_dir/nohup.out" ]; then
        echo "--- $node: end of nohup.out" >&2
        tail -n 20 "$node_dir/nohup.out" >&2
    fi
    local latest
    latest=$(ls -t "$node_dir"/log/*.log 2>/dev/null | head -n 1) || true
    if [ -n "$latest" ]; then
        echo "--- $node: end of ${latest#"$node_dir/"}" >&2
        tail -n 20 "$latest" >&2
    fi
}
# One line saying which node, where, at which step and why; then what the node logged last.
failed=""
fail() {
    failed=1
    echo "$where: $step failed: $*" >&2
    show_logs
    exit 1
}
staging=""
# A command that fails outside `fail` (set -e) still says where it happened.
on_exit() {
    local status=$?
    [ -z "$staging" ] || rm -rf "$staging"
    if [ "$status" -ne 0 ] && [ -z "$failed" ]; then
        echo "$where: $step failed: a command exited with status $status" >&2
        show_logs
    fi
}
trap on_exit EXIT

[ -x "$binary" ] || fail "no node binary at $binary"
actual_binary=$(sha256sum "$binary" | cut -d ' ' -f 1)

step="unpacking the node package"
mkdir -p "$deploy_dir"
staging=$(mktemp -d "$deploy_dir/.staging-$node.XXXXXX")
base64 -d <<<"$node_package" | tar -xzf - -C "$staging" --no-same-owner || fail "the node package is not a base64 tar.gz"
[ -d "$staging/$node" ] || fail "the node package has no $node/ folder"
# The node ID (gmnode.nodeid on a GM chain, node.nodeid otherwise), one line of hex.
node_id_in() { cat "$1/conf/gmnode.nodeid" 2>/dev/null || cat "$1/conf/node.nodeid" 2>/dev/null || true; }
node_id=$(node_id_in "$staging/$node" | tr -d '[:space:]')
[ -n "$node_id" ] || fail "the node package has no conf/gmnode.nodeid or conf/node.nodeid"

# Only a folder this stack made for this node is written to: its marker names both. A folder an
# earlier version made (no marker yet) is recognised by its start marker and node ID, an imported
# node's folder (another tool made it) by the imported node ID.
adopting=""
step="checking that $node_dir is this node's folder"
owner_field() { sed -n "s/^$1=//p" "$owner_file" | head -n 1; }
if [ -e "$node_dir" ] || [ -L "$node_dir" ]; then
    [ -d "$node_dir" ] || fail "$node_dir exists and is not a folder; move it away"
    if [ -f "$owner_file" ]; then
        marked_stack=$(owner_field stack)
        marked_id=$(owner_field node_id)
        if [ "$marked_stack" != "$owner" ] || [ "$marked_id" != "$node_id" ]; then
            fail "$node_dir belongs to stack '$marked_stack', node ID ${marked_id:-?} (its .bcos-pulumi-owner), not to stack '$owner', node ID $node_id; it is left as it is: move it away, or give this node another name or deployDir"
        fi
    elif [ -z "$(ls -A "$node_dir")" ]; then
        :
    elif [ -f "$started_marker" ] && [ "$(node_id_in "$node_dir" | tr -d '[:space:]')" = "$node_id" ]; then
        echo "$node: $node_dir was installed by an earlier bcos-pulumi for this node ID; marking it as this stack's"
        adopting=earlier
    elif [ -n "$adopt_node_id" ]; then
        # An imported node: its folder is adopted only if it holds the imported node's ID.
        found_id=$(node_id_in "$node_dir" | tr -d '[:space:]')
        if [ "$found_id" != "$adopt_node_id" ] || [ "$node_id" != "$adopt_node_id" ]; then
            fail "$node was imported with node ID $(cut -c 1-16 <<<"$adopt_node_id")…, but $node_dir holds node ID $(cut -c 1-16 <<<"${found_id:-none}")… and no .bcos-pulumi-owner; it is left as it is: point the host's address and deployDir at where $node runs"
        fi
        adopting=1
        echo "$node: adopting $node_dir, made by another tool for node ID $(cut -c 1-16 <<<"$adopt_node_id")…"
    else
        fail "$node_dir is not empty and has no .bcos-pulumi-owner, so it was not made by bcos-pulumi for this node; it is left as it is: move it away, or choose another deployDir or node name"
    fi
fi
# An imported node runs somewhere already: starting it on a fresh ledger here would run its node
# ID twice.
if [ -n "$adopt_node_id" ] && [ ! -f "$owner_file" ] && [ -z "$adopting" ]; then
    fail "$node was imported, but $node_dir does not hold its folder; nothing was started: point the host's address and deployDir at where $node runs (or copy its folder there, ledger included, if it moved)"
fi
mkdir -p "$node_dir"
ours=1
owner_text="# Made by bcos-pulumi: installs and removals act on this folder only for this stack and node ID.
stack=$owner
node=$node
node_id=$node_id"
if [ ! -f "$owner_file" ] || [ "$(cat "$owner_file")" != "$owner_text" ]; then
    printf '%s\n' "$owner_text" >"$owner_file.new"
    mv -f "$owner_file.new" "$owner_file"
fi
if [ "$expect_ledger" = 1 ] && [ ! -d "$node_dir/data" ]; then
    fail "$node is listed in bcos:movedNodes, but $node_dir holds no ledger (data/): copy the node's folder from its old place first, or take $node out of bcos:movedNodes"
fi

step="writing the node's files"
# A first install starts the node; only an installed node is restarted for new files.
installed=""
if [ -f "$node_dir/config.ini" ]; then installed=1; fi
changed=()
restart=""
while IFS= read -r -d '' source; do
    relative=${source#"$staging/$node/"}
    case "$relative" in
        data/* | log/* | nohup.out | .bcos-pulumi-owner) continue ;; # runtime state is the node's own
    esac
    target="$node_dir/$relative"
    if [ -f "$target" ] && cmp -s "$source" "$target"; then continue; fi
    # Adopting: a settings file that means what the running node read (the program compared
    # them) is replaced without a restart; any other difference restarts as usual.
    same=""
    if [ "$adopting" = 1 ] && [ -f "$target" ]; then
        pair="$relative=$(sha256sum "$target" | cut -d ' ' -f 1):$(sha256sum "$source" | cut -d ' ' -f 1)"
        case " $adopt_same " in *" $pair "*) same=1 ;; esac
    fi
    mkdir -p "$(dirname "$target")"
    # Copy beside the target, then rename: the node never reads a half-written file.
    cp "$source" "$target.new"
    chmod --reference="$source" "$target.new"
    mv -f "$target.new" "$target"
    changed+=("$relative")
    case "$relative" in
        config.ini | conf/*) if [ -n "$installed" ] && [ -z "$same" ]; then restart="configuration changed"; fi ;;
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
# An adopted node has no start marker: it runs the binary on disk unless that file was replaced
# since it started (the binary install renames a new one into place).
if [ "$adopting" = 1 ]; then
    running_binary="$node_dir/../fisco-bcos -c config.ini"
    while read -r running_pid running_args; do
        case "$running_args" in
            *"$running_binary"*) if [[ "$(readlink "/proc/$running_pid/exe" 2>/dev/null)" == *" (deleted)" ]]; then restart="${restart:+$restart, }binary changed"; fi ;;
        esac
    done < <(ps -ww -eo pid=,args=)
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
# The groups this node's folder declares (conf/group.N.genesis), in order.
groups=$(cd "$node_dir" && find conf -maxdepth 1 -name 'group.*.genesis' | sed -n 's/.*group\.\([0-9][0-9]*\)\.genesis$/\1/p' | sort -n | tr '\n' ' ')
first_group=${groups%% *}
first_group=${first_group:-1}
# The ID the process on the RPC port answers with: getNodeIDList lists the node's own ID first.
answering_id() {
    rpc_call getNodeIDList "[$first_group]" | tr -d '[:space:]' | sed -n 's/.*"result":\["\([0-9a-fA-F]*\)".*/\1/p'
}
# Connected P2P peers. getPeers takes a group id, so one of the node's own groups is passed.
peer_count() { { rpc_call getPeers "[$first_group]" | grep -o '"NodeID"' || true; } | wc -l; }
# "<own block number> <highest block number known>" in one group from getSyncStatus (its own
# number comes before "peers", the peers' numbers after); nothing when the node does not run it.
sync_heights() {
    local answer own highest number
    answer=$(rpc_call getSyncStatus "[$1]" | tr -d '[:space:]')
    case "$answer" in *'"result":{'*) ;; *) return 0 ;; esac
    own=$(grep -o '"blockNumber":[0-9]*' <<<"${answer%%\"peers\"*}" | head -n 1 | cut -d : -f 2) || true
    [ -n "$own" ] || return 0
    highest=$own
    for number in $(grep -o '"\(knownHighestNumber\|blockNumber\)":[0-9]*' <<<"$answer" | cut -d : -f 2); do
        if [ "$number" -gt "$highest" ]; then highest=$number; fi
    done
    echo "$own $highest"
}

cd "$node_dir"
# Before a restart: the peers the node has and the height each of its groups has reached. The
# restarted node counts as back once it answers with its own node ID, has as many peers again
# and is within $sync_slack blocks of those heights: only then may the next sealer go down.
peers_before=0
declare -A height_before=()
if [ -n "$restart" ]; then
    step="reading the node's state before the restart"
    peers_before=$(peer_count)
    for group in $groups; do
        read -r _ highest < <(sync_heights "$group"; echo) || true
        if [ -n "${highest:-}" ]; then height_before[$group]=$highest; fi
    done
    step="stopping the node"
    echo "$node: restarting ($restart)"
    bash stop.sh </dev/null || fail "stop.sh failed"
fi
had_ledger=""
if [ -d data ]; then had_ledger=1; fi
step="starting the node"
started=$(bash start.sh </dev/null 2>&1) || fail "start.sh failed: $started"
echo "$started"
# start.sh says so when the node was running already: then it was neither stopped nor started.
started_now=1
case "$started" in *" is already running "*) started_now="" ;; esac
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
# Waits until the check `$1` succeeds; at the deadline fails saying what `$2` prints.
wait_until() {
    until "$1"; do
        node_alive || fail "the node process (pid $pid) exited after start; see the log below"
        [ "$SECONDS" -lt "$deadline" ] || fail "$("$2")"
        sleep 1
    done
}
short_id() { cut -c 1-16 <<<"$1"; }
answers_as_itself() { [ "$(answering_id)" = "$node_id" ]; }
has_its_peers() { [ "$(peer_count)" -ge "$peers_before" ]; }
# Caught up: within sync_slack blocks of the height its group had before the restart and of the
# highest block its peers report now, in every group it runs.
lagging=""
caught_up() {
    local own highest target group
    for group in $groups; do
        read -r own highest < <(sync_heights "$group"; echo) || true
        if [ -z "${own:-}" ]; then
            lagging="group $group is not running"
            [ -z "${height_before[$group]:-}" ] || return 1 # ran the group before: wait for it
            continue
        fi
        target=${height_before[$group]:-0}
        if [ "$highest" -gt "$target" ]; then target=$highest; fi
        if [ $((own + sync_slack)) -lt "$target" ]; then
            lagging="group $group is at block $own of $target"
            return 1
        fi
    done
}
no_answer() { echo "JSON-RPC on 127.0.0.1:$rpc_port gave no answer within ${health_timeout}s of start"; }
someone_else() { echo "JSON-RPC on 127.0.0.1:$rpc_port answers with node ID $(short_id "$(answering_id)")…, not this node's $(short_id "$node_id")…: another process holds the port"; }
few_peers() { echo "has $(peer_count) P2P peers ${health_timeout}s after the restart, had $peers_before before"; }
behind() { echo "$lagging ${health_timeout}s after start, more than $sync_slack blocks behind its group (raise bcos:healthTimeoutSeconds if it is still syncing)"; }

step="health check"
wait_until rpc_answers no_answer
wait_until answers_as_itself someone_else
wait_until has_its_peers few_peers
# A node started here with a ledger must catch up before the next one goes down; a new node
# syncs at its own pace (the membership change that makes it a sealer waits for that).
if [ -n "$started_now" ] && [ -n "$had_ledger" ]; then wait_until caught_up behind; fi
node_alive || fail "the node process (pid $pid) is not running"
echo "$actual_binary" >"$started_marker"
echo "$node: healthy (pid $pid, JSON-RPC on 127.0.0.1:$rpc_port, node ID $(short_id "$node_id")…, $(peer_count) peers)"
