/**
 * Operator scripts of a node folder. They are identical for every node: the folder, its name and
 * the RPC port are found at run time, so a folder still works after being copied or renamed.
 * Behaviour follows build_chain 2.11.1's scripts (reference §1.2); the text is our own.
 */
import { SCRIPT_MODE, type RenderedFile } from "./rendered-file";

/**
 * Moves to the node folder and defines node_pid. The binary is started (and searched for) as
 * `<node folder>/../fisco-bcos`, not a normalised path: the command line then names this node's
 * folder, which is how nodes sharing one binary tell their processes apart.
 */
function preamble(scriptDir: "." | "scripts"): string {
  const cdTarget = scriptDir === "." ? `"$(dirname "$0")"` : `"$(dirname "$0")/.."`;
  return `set -u
cd ${cdTarget} || exit 1
node_dir=$(pwd)
node_name=$(basename "$node_dir")
binary="$node_dir/../fisco-bcos"

# Prints the pid of this node's process, nothing when it is not running.
node_pid() {
    local pid args
    while read -r pid args; do
        case "$args" in
            *"$binary -c config.ini"*) echo "$pid"; return 0 ;;
        esac
    done < <(ps -ww -eo pid=,args=)
    return 0
}
`;
}

const START = `#!/usr/bin/env bash
# Starts this node in the background unless it is already running.
${preamble(".")}
pid=$(node_pid)
if [ -n "$pid" ]; then
    echo "$node_name is already running (pid $pid)"
    exit 0
fi

# nohup.out keeps earlier runs: only what this run writes counts as its start message.
offset=0
[ -f nohup.out ] && offset=$(wc -c <nohup.out)
# stdin from /dev/null so that an ssh session running this script can close.
nohup "$binary" -c config.ini >>nohup.out 2>&1 </dev/null &

for _ in 1 2 3 4 5 6 7 8 9 10; do
    sleep 0.5
    pid=$(node_pid)
    if [ -n "$pid" ] && tail -c +"$((offset + 1))" nohup.out | grep -q running; then
        echo "$node_name started (pid $pid)"
        exit 0
    fi
done
echo "$node_name failed to start; end of nohup.out:" >&2
tail -n 20 nohup.out >&2
exit 1
`;

const STOP = `#!/usr/bin/env bash
# Stops this node and waits until its process has exited.
${preamble(".")}
pid=$(node_pid)
if [ -z "$pid" ]; then
    echo "$node_name is not running"
    exit 0
fi
kill "$pid"
for _ in $(seq 20); do
    sleep 0.6
    if [ -z "$(node_pid)" ]; then
        echo "$node_name stopped"
        exit 0
    fi
done
echo "$node_name (pid $pid) is still running 12 s after SIGTERM" >&2
exit 1
`;

const LOAD_NEW_GROUPS = `#!/usr/bin/env bash
# Starts the groups whose conf/group.N.genesis and conf/group.N.ini were copied in while the node runs.
# A 2.11 node starts a group at run time only with the startGroup RPC, and only from the STOPPED
# status (its config.ini.append_group signal skips STOPPED groups and cannot start the others), so a
# group new to this node (no data/groupN/.group_status) is marked STOPPED, then started.
# Groups that have a status are left as they are: running, stopped on purpose, or deleted.
${preamble("scripts")}
if [ -z "$(node_pid)" ]; then
    echo "$node_name is not running; start.sh starts every group in conf/ that was not stopped or deleted"
    exit 0
fi

port=$(sed -n 's/^[[:space:]]*jsonrpc_listen_port[[:space:]]*=[[:space:]]*\\([0-9][0-9]*\\).*/\\1/p' config.ini | head -n 1)
# Prints this node's JSON-RPC answer on one line (method, params), nothing when it does not answer.
rpc() {
    curl -s --max-time 60 -H 'Content-Type: application/json' \\
        --data "{\\"jsonrpc\\":\\"2.0\\",\\"method\\":\\"$1\\",\\"params\\":[$2],\\"id\\":1}" \\
        "http://127.0.0.1:$port" | tr -d '\\r\\n'
}

status=0 found=0
for genesis in conf/group.*.genesis; do
    group=\${genesis#conf/group.}
    group=\${group%.genesis}
    case "$group" in '' | *[!0-9]*) continue ;; esac
    status_file="data/group$group/.group_status"
    [ -f "$status_file" ] && continue
    found=1
    if [ ! -f "conf/group.$group.ini" ]; then
        echo "$node_name group $group: conf/group.$group.ini is missing; copy it next to the genesis and run this again" >&2
        status=1
        continue
    fi
    mkdir -p "data/group$group"
    echo STOPPED >"$status_file"
    answer=$(rpc startGroup "$group")
    if [[ "$answer" =~ \\"code\\"[[:space:]]*:[[:space:]]*\\"0x0\\" ]]; then
        echo "$node_name group $group: started"
    elif [ -z "$answer" ]; then
        echo "$node_name group $group: no answer to startGroup on port $port; it is marked STOPPED: check it with queryGroupStatus" >&2
        status=1
    else
        # Refused: back to how it was found, so that this script (or a restart) can start it later.
        rm -f "$status_file"
        message=$(sed -n 's/.*"message"[[:space:]]*:[[:space:]]*"\\([^"]*\\)".*/\\1/p' <<<"$answer")
        echo "$node_name group $group: startGroup refused: \${message:-$answer}" >&2
        status=1
    fi
done
[ "$found" = 1 ] || echo "$node_name: no new group in conf/"
exit "$status"
`;

const RELOAD_WHITELIST = `#!/usr/bin/env bash
# Checks the [certificate_whitelist] cal.N entries of config.ini, then makes the running node reload them.
${preamble("scripts")}
# Active (uncommented) cal.N values, whitespace removed.
whitelist_ids() {
    sed -n 's/^[[:space:]]*cal\\.[0-9][0-9]*[[:space:]]*=\\(.*\\)$/\\1/p' config.ini | tr -d ' \\t\\r'
}

bad=0
while read -r id; do
    if ! [[ "$id" =~ ^[0-9a-fA-F]{128}$ ]]; then
        echo "config.ini: cal entry is not a 128-hex node ID: '$id'" >&2
        bad=1
    fi
done < <(whitelist_ids)
duplicates=$(whitelist_ids | tr 'A-F' 'a-f' | sort | uniq -d)
if [ -n "$duplicates" ]; then
    echo "config.ini: node IDs listed more than once: $duplicates" >&2
    bad=1
fi
[ "$bad" = 0 ] || exit 1

if [ -z "$(node_pid)" ]; then
    echo "$node_name is not running; the whitelist applies when it starts"
    exit 0
fi
touch config.ini.reset_certificate_whitelist
echo "$node_name: reloading the certificate whitelist"
`;

const RELOAD_SDK_ALLOWLIST = `#!/usr/bin/env bash
# Makes the running node reload the [sdk_allowlist] of its group.N.ini files.
${preamble("scripts")}
if [ -z "$(node_pid)" ]; then
    echo "$node_name is not running; the allowlists apply when it starts"
    exit 0
fi
touch config.ini.reset_allowlist
echo "$node_name: reloading the SDK allowlists"
`;

const MONITOR = `#!/usr/bin/env bash
# For cron: restarts this node when its process is gone, and reports groups that make no progress
# (neither a new block nor a PBFT view change within 5 s; an idle PBFT group still changes views,
# an idle raft group does not, so raft groups are only checked for an answer).
# Exits non-zero when it had something to report.
${preamble("scripts")}
if [ -z "$(node_pid)" ]; then
    echo "$(date '+%F %T') $node_name was not running; restarting"
    bash start.sh
    exit 1
fi

port=$(sed -n 's/^[[:space:]]*jsonrpc_listen_port[[:space:]]*=[[:space:]]*\\([0-9][0-9]*\\).*/\\1/p' config.ini | head -n 1)
# Prints the hex result of a JSON-RPC call on this node (method, group id), nothing on error.
rpc() {
    curl -s --max-time 3 -H 'Content-Type: application/json' \\
        --data "{\\"jsonrpc\\":\\"2.0\\",\\"method\\":\\"$1\\",\\"params\\":[$2],\\"id\\":1}" \\
        "http://127.0.0.1:$port" |
        sed -n 's/.*"result"[[:space:]]*:[[:space:]]*"\\(0x[0-9a-fA-F]*\\)".*/\\1/p'
}

groups=() blocks=() views=()
for genesis in conf/group.*.genesis; do
    group=\${genesis#conf/group.}
    group=\${group%.genesis}
    case "$group" in '' | *[!0-9]*) continue ;; esac
    groups+=("$group")
    blocks+=("$(rpc getBlockNumber "$group")")
    views+=("$(rpc getPbftView "$group")")
done
[ "\${#groups[@]}" -gt 0 ] || exit 0
sleep 5

status=0
for i in "\${!groups[@]}"; do
    group=\${groups[$i]}
    block=$(rpc getBlockNumber "$group")
    view=$(rpc getPbftView "$group") # empty for raft groups
    if [ -z "$block" ]; then
        echo "$(date '+%F %T') $node_name group $group: no JSON-RPC answer on port $port"
        status=1
    elif [ -n "$view" ] && [ "$block" = "\${blocks[$i]}" ] && [ "$view" = "\${views[$i]}" ]; then
        echo "$(date '+%F %T') $node_name group $group: stuck at block $((block)) (expected only while the node is not a member)"
        status=1
    fi
done
exit "$status"
`;

/** The scripts of one node folder, paths relative to that folder. */
export function renderNodeScripts(): RenderedFile[] {
  const script = (path: string, content: string): RenderedFile => ({ path, content, mode: SCRIPT_MODE });
  return [
    script("start.sh", START),
    script("stop.sh", STOP),
    script("scripts/load_new_groups.sh", LOAD_NEW_GROUPS),
    script("scripts/reload_whitelist.sh", RELOAD_WHITELIST),
    script("scripts/reload_sdk_allowlist.sh", RELOAD_SDK_ALLOWLIST),
    script("scripts/monitor.sh", MONITOR),
  ];
}
