/**
 * What this binary claims to be. Tests set FISCO_STANDIN_VERSION / FISCO_STANDIN_GM to mismatch a
 * chain on purpose (an old binary, a build without GM support).
 */
export interface BuildInfo {
  /** x.y.z; config.ini's supported_version must not be above it. */
  version: string;
  /** A GM build: `-v` and getClientVersion say " gm", and sm_crypto=true is allowed. */
  gm: boolean;
  buildTime: string;
  buildType: string;
  gitBranch: string;
  gitCommit: string;
}

export function buildInfo(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  const gmFlag = env.FISCO_STANDIN_GM ?? "1";
  if (!["0", "1", "true", "false"].includes(gmFlag)) throw new Error(`FISCO_STANDIN_GM must be 0 or 1, got ${gmFlag}`);
  const version = env.FISCO_STANDIN_VERSION ?? "2.11.1";
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`FISCO_STANDIN_VERSION must be x.y.z, got ${version}`);
  return {
    version,
    gm: gmFlag === "1" || gmFlag === "true",
    buildTime: "20231027 08:16:12",
    buildType: "Linux/g++/Release",
    gitBranch: "HEAD",
    // All zeros: no real commit, so nobody mistakes the stand-in for a release build.
    gitCommit: "0000000000000000000000000000000000000000",
  };
}

/** "2.11.1 gm" or "2.11.1": the version as `-v` and getClientVersion print it. */
export function versionText(info: BuildInfo, smCrypto = info.gm): string {
  return smCrypto ? `${info.version} gm` : info.version;
}

/** The `fisco-bcos -v` block, in the layout of the real binary. */
export function versionBlock(info: BuildInfo): string {
  return [
    `FISCO-BCOS Version : ${versionText(info)}`,
    `Build Time         : ${info.buildTime}`,
    `Build Type         : ${info.buildType}`,
    `Git Branch         : ${info.gitBranch}`,
    `Git Commit Hash    : ${info.gitCommit}`,
    "",
  ].join("\n");
}
