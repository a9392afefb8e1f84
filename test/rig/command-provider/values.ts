/**
 * Property values as the engine sends them to a provider that accepts secrets (gRPC Struct →
 * JavaScript): secrets, assets and archives are objects tagged with the special signature key,
 * unknowns (preview only) are a sentinel string.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Props = Record<string, Json>;

const isObject = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

export const isSecret = (v: unknown): boolean => isObject(v) && v[SIG_KEY] === SECRET_SIG;
export const isAsset = (v: unknown): v is Record<string, Json> => isObject(v) && v[SIG_KEY] === ASSET_SIG;
export const isArchive = (v: unknown): v is Record<string, Json> => isObject(v) && v[SIG_KEY] === ARCHIVE_SIG;

/** The value with every secret wrapper removed (assets and archives are kept as they are). */
export function reveal(v: Json | undefined): Json | undefined {
  if (v === undefined) return undefined;
  if (isSecret(v)) return reveal((v as Record<string, Json>).value);
  if (Array.isArray(v)) return v.map((x) => reveal(x) ?? null);
  if (isObject(v) && !isAsset(v) && !isArchive(v)) {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v as Record<string, Json>)) {
      const r = reveal(x);
      if (r !== undefined) out[k] = r;
    }
    return out;
  }
  return v;
}

/** True when the value (or anything inside it) is unknown (only during preview). */
export function hasUnknown(v: Json | undefined): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (isObject(v)) return Object.values(v).some(hasUnknown);
  return false;
}

/** Stable JSON (sorted keys) of a revealed value, for comparisons; undefined and null are equal. */
export function canonical(v: Json | undefined): string {
  const norm = (x: Json | undefined): Json => {
    if (x === undefined || x === null) return null;
    if (Array.isArray(x)) return x.map(norm);
    if (isObject(x)) {
      const out: Record<string, Json> = {};
      for (const k of Object.keys(x).sort()) if (x[k] !== undefined && x[k] !== null) out[k] = norm(x[k]);
      return out;
    }
    return x;
  };
  return JSON.stringify(norm(v));
}

export const str = (v: Json | undefined): string | undefined => {
  const r = reveal(v);
  return typeof r === "string" ? r : undefined;
};
export const num = (v: Json | undefined): number | undefined => {
  const r = reveal(v);
  return typeof r === "number" ? r : undefined;
};
export const bool = (v: Json | undefined): boolean | undefined => {
  const r = reveal(v);
  return typeof r === "boolean" ? r : undefined;
};
export const strMap = (v: Json | undefined): Record<string, string> => {
  const r = reveal(v);
  const out: Record<string, string> = {};
  if (isObject(r)) for (const [k, x] of Object.entries(r)) if (typeof x === "string") out[k] = x;
  return out;
};
export const strList = (v: Json | undefined): string[] | undefined => {
  const r = reveal(v);
  return Array.isArray(r) ? r.filter((x): x is string => typeof x === "string") : undefined;
};

/** A local path of an asset/archive, resolved against the provider's working directory (the project). */
export const localPath = (p: string): string => (isAbsolute(p) ? p : resolve(process.cwd(), p));

function dirDigest(dir: string, h = createHash("sha256"), rel = ""): string {
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = statSync(join(dir, r));
    if (st.isDirectory()) {
      h.update(`d:${r}\0`);
      dirDigest(dir, h, r);
    } else {
      h.update(`f:${r}\0${st.mode & 0o777}\0`);
      h.update(readFileSync(join(dir, r)));
      h.update("\0");
    }
  }
  return rel ? "" : h.digest("hex");
}

/**
 * What a CopyToRemote source's content is, for deciding whether to copy again: the engine's own
 * `hash` when it sent one, else the sha256 of the text / file bytes (what the engine computes for
 * assets), else a digest of the directory tree.
 */
export function sourceDigest(v: Json | undefined): string {
  const src = reveal(v);
  if (!isAsset(src) && !isArchive(src)) return canonical(src);
  if (typeof src.hash === "string" && src.hash) return src.hash;
  if (typeof src.text === "string") return createHash("sha256").update(src.text).digest("hex");
  if (typeof src.path === "string") {
    const p = localPath(src.path);
    try {
      return statSync(p).isDirectory() ? dirDigest(p) : createHash("sha256").update(readFileSync(p)).digest("hex");
    } catch {
      return `missing:${p}`;
    }
  }
  return canonical(src);
}
