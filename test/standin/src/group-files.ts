/**
 * Files the node writes for dynamic groups: `data/groupN/.group_status` and, for generateGroup,
 * `conf/group.N.genesis` and `conf/group.N.ini` from the node's own templates (reference
 * artifacts §3.3, which differ a little from build_chain's).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export type GroupStatus = "INEXISTENT" | "RUNNING" | "STOPPING" | "STOPPED" | "DELETED" | "UNKNOWN";

const STORED = ["RUNNING", "STOPPING", "STOPPED", "DELETED"];

export class GroupFiles {
  constructor(
    private readonly dataPath: string,
    readonly configPath: string,
  ) {}

  groupDir(groupId: number): string {
    return join(this.dataPath, `group${groupId}`);
  }

  genesisPath(groupId: number): string {
    return join(this.configPath, `group.${groupId}.genesis`);
  }

  iniPath(groupId: number): string {
    return join(this.configPath, `group.${groupId}.ini`);
  }

  /** INEXISTENT when there is no status file; UNKNOWN when it holds something else. */
  readStatus(groupId: number): GroupStatus {
    const file = join(this.groupDir(groupId), ".group_status");
    if (!existsSync(file)) return "INEXISTENT";
    const text = readFileSync(file, "utf8").trim();
    return STORED.includes(text) ? (text as GroupStatus) : "UNKNOWN";
  }

  writeStatus(groupId: number, status: GroupStatus): void {
    const file = join(this.groupDir(groupId), ".group_status");
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, status);
  }

  writeGenerated(groupId: number, timestamp: string, sealers: string[], enableFreeStorage: boolean): void {
    const nodes = sealers.map((id, i) => `    node.${i}=${id}`).join("\n");
    mkdirSync(this.configPath, { recursive: true });
    writeFileSync(
      this.genesisPath(groupId),
      `[consensus]\n    consensus_type=pbft\n    max_trans_num=1000\n    consensus_timeout=3\n${nodes}\n` +
        `[state]\n    type=storage\n[tx]\n    gas_limit=300000000\n` +
        `[group]\n    id=${groupId}\n    timestamp=${timestamp}\n[evm]\n    enable_free_storage=${enableFreeStorage}\n`,
    );
    writeFileSync(
      this.iniPath(groupId),
      `[consensus]\n    ;ttl=2\n    min_block_generation_time=500\n    enable_dynamic_block_size=true\n` +
        `[storage]\n    type=rocksdb\n    max_capacity=32\n    max_forward_block=10\n` +
        `[tx_pool]\n    limit=150000\n    memory_limit=512\n    notify_worker_num=2\n` +
        `[sync]\n    idle_wait_ms=200\n    gossip_interval_ms=1000\n    gossip_peers_number=3\n`,
    );
  }
}
