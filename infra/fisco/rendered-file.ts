/** One file of a rendered folder, ready to be written locally or uploaded to a host. */
export interface RenderedFile {
  /** Relative POSIX path, starting with the folder the renderer produces (`node0/conf/gmca.crt`). */
  path: string;
  content: string;
  mode: number;
}

/** Private keys: readable by the owner only. */
export const PRIVATE_MODE = 0o600;
/** Shell scripts the operator runs. */
export const SCRIPT_MODE = 0o755;
/** Everything else (configs, certificates, node IDs). */
export const PUBLIC_MODE = 0o644;

/** Prefixes every path with `folder/`, so sub-renderers can work relative to their own root. */
export function underFolder(folder: string, files: RenderedFile[]): RenderedFile[] {
  return files.map((f) => ({ ...f, path: `${folder}/${f.path}` }));
}
