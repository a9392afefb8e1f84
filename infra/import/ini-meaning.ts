/**
 * What a 2.11 node reads from config.ini and group.N.ini, as `section.key` → value: comments,
 * layout and key order dropped, the node's defaults filled in, and the numbered lists whose key
 * names carry no meaning ([p2p] node.N, crl.N, cal.N) taken as sets. Two files with equal
 * meanings make the same node; adopting a running node relies on it to write our files without a
 * restart. Pure.
 */
import { parseIni } from "../fisco/parse";

/** What 2.11 takes for a config.ini key that is left out (reference fisco-2x-artifacts.md §2). */
const CONFIG_DEFAULTS: Record<string, string> = {
  "rpc.disable_dynamic_group": "false",
  "chain.rsa_crypto_channel": "false",
  "log.enable_console_output": "false",
  "log.enable_statistic": "false",
  "log.stat_flush_interval": "60",
};

/** Keys the tools write that a 2.11 node never reads (generator's log flush threshold). */
const NOT_READ = new Set(["log.log_flush_threshold"]);

/** Sections whose entries are read by key prefix, so `node.0 = a` and `node.7 = a` mean the same. */
const LISTS: Record<string, string> = { p2p: "node.", certificate_blacklist: "crl.", certificate_whitelist: "cal." };

function meaning(text: string, source: string, defaults: Record<string, string>): Record<string, string> {
  const read: Record<string, string> = { ...defaults };
  const lists = new Map<string, string[]>();
  for (const [name, section] of parseIni(text, source).sections) {
    for (const [key, entry] of section.entries) {
      const listed = LISTS[name];
      if (listed && key.startsWith(listed)) {
        const list = `${name}.${listed}*`;
        lists.set(list, [...(lists.get(list) ?? []), entry.value]);
      } else if (!NOT_READ.has(`${name}.${key}`)) read[`${name}.${key}`] = entry.value;
    }
  }
  for (const [list, values] of lists) read[list] = values.sort().join(" ");
  return read;
}

export function configIniMeaning(text: string, source = "config.ini"): Record<string, string> {
  return meaning(text, source, CONFIG_DEFAULTS);
}

export function groupIniMeaning(text: string, source = "group.ini"): Record<string, string> {
  return meaning(text, source, {});
}

/** `key: theirs → ours` for every key whose value differs; empty when both mean the same. */
export function meaningDifferences(theirs: Record<string, string>, ours: Record<string, string>): string[] {
  const keys = [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].sort();
  return keys.filter((k) => ours[k] !== theirs[k]).map((k) => `${k}: ${theirs[k]} → ${ours[k]}`);
}
