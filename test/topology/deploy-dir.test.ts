/**
 * deployDir outside the system's folders (issue 11.6): at or directly under /etc, /usr, /bin,
 * /sbin, /lib*, /boot, /proc, /sys, /dev, /root, /home and /var is refused, checked on the folder
 * the path resolves to; below those, and elsewhere, is allowed.
 */
import { describe, expect, it } from "vitest";
import { TopologyError, validateTopology } from "../../infra/topology";

function withDeployDir(deployDir: string): unknown {
  return {
    chain: { install: false },
    hosts: { h: { address: "10.0.0.5", connection: { ssh: { user: "fisco" } }, deployDir } },
    agencies: { agencyA: { nodes: { node0: { host: "h" } } } },
  };
}

function issueOf(deployDir: string) {
  try {
    validateTopology(withDeployDir(deployDir));
  } catch (error) {
    expect(error).toBeInstanceOf(TopologyError);
    const issues = (error as TopologyError).issues;
    expect(issues).toHaveLength(1);
    return issues[0];
  }
  return undefined;
}

describe("deployDir", () => {
  it.each([
    ["/", "root folder"],
    ["/etc", "is the system folder /etc"],
    ["/etc/", "is the system folder /etc"],
    ["/etc/fisco", "directly under the system folder /etc"],
    ["/etc/ssh/", "directly under the system folder /etc"],
    ["/usr", "is the system folder /usr"],
    ["/usr/local", "directly under the system folder /usr"],
    ["/bin/x", "directly under the system folder /bin"],
    ["/sbin", "is the system folder /sbin"],
    ["/lib", "is the system folder /lib"],
    ["/lib32/x", "directly under the system folder /lib32"],
    ["/lib64", "is the system folder /lib64"],
    ["/libx32/fisco", "directly under the system folder /libx32"],
    ["/boot/fisco", "directly under the system folder /boot"],
    ["/proc/1", "directly under the system folder /proc"],
    ["/sys", "is the system folder /sys"],
    ["/dev/shm", "directly under the system folder /dev"],
    ["/root", "is the system folder /root"],
    ["/root/fisco", "directly under the system folder /root"],
    ["/home", "is the system folder /home"],
    ["/home/fisco", "directly under the system folder /home"],
    ["/var", "is the system folder /var"],
    ["/var/lib", "directly under the system folder /var"],
    ["/opt/../etc/x", "it resolves to /etc/x, directly under the system folder /etc"],
    ["/opt/../etc", "it resolves to /etc, the system folder /etc"],
    ["/etc//fisco", "it resolves to /etc/fisco, directly under the system folder /etc"],
    ["/opt/./..", "it resolves to /, the root folder"],
  ])("refuses %s", (dir, messagePart) => {
    const issue = issueOf(dir);
    expect(issue, dir).toBeDefined();
    expect(issue!.path).toBe("hosts.h.deployDir");
    expect(issue!.value).toBe(dir);
    expect(issue!.message).toContain(messagePart);
  });

  it("says in the fix which folders are refused and what is fine instead", () => {
    expect(issueOf("/var/lib")!.fix).toContain(
      "/etc, /usr, /bin, /sbin, /lib*, /boot, /proc, /sys, /dev, /root, /home and /var, and the folders directly under them, are refused",
    );
    expect(issueOf("/var/lib")!.fix).toContain("/home/fisco/chain or /var/lib/fisco");
  });

  it.each([
    "/opt/fisco",
    "/opt",
    "/data/fisco",
    "/srv/fisco/",
    "/tmp/bcos-pulumi/x",
    "/home/fisco/chain",
    "/var/lib/fisco",
    "/usr/local/fisco",
    "/etcetera/x",
    "/mnt/disk1/fisco",
  ])("allows %s", (dir) => {
    expect(issueOf(dir)).toBeUndefined();
  });
});
