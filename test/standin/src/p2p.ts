/**
 * P2P links between stand-in nodes: TCP with newline-delimited JSON instead of TLS, but the same
 * trust decisions as the real handshake. Each side sends its certificate chain and a nonce; the
 * other checks that the chain leads to its own CA, takes the node ID from the leaf (as the node
 * does), refuses blacklisted or non-whitelisted IDs, and asks for a signature over its nonce to
 * prove the peer holds the certified key.
 */
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, Socket, type Server } from "node:net";
import { OID } from "../../../infra/crypto/oids";
import { signWith, verifyWith } from "../../../infra/crypto/signatures";
import type { PeerAddress } from "../../../infra/fisco/parse";
import { certifiedNodeId, chainsToCa, loadCertificates, commonName, type LoadedCertificate } from "./cert-chain";
import type { NodeLog } from "./log";
import type { NodeIdentity } from "./startup";

export interface PeerInfo {
  nodeId: string;
  /** Peer's IP as seen on the socket and the P2P port it listens on. */
  ipAndPort: string;
  /** CN of the agency certificate that issued the peer's certificate. */
  agency: string;
  node: string;
}

export type Message = { type: string } & Record<string, unknown>;

interface Link {
  socket: Socket;
  outbound: boolean;
  /** The configured address this link was dialled for. */
  address?: string;
  nonce: string;
  peer?: { nodeId: string; leaf: LoadedCertificate; listenPort: number };
  established: boolean;
}

export interface P2pOptions {
  identity: NodeIdentity;
  smCrypto: boolean;
  listenIp: string;
  listenPort: number;
  peers: PeerAddress[];
  blacklist: string[];
  whitelist: string[];
  log: NodeLog;
}

/**
 * Redialling: every second at first, then an address that keeps refusing waits twice as long each
 * time, up to REDIAL_MAX_MS. 2.11 retries unconnected peers every 10 s (Service::heartBeat,
 * CHECK_INTERVEL), so this is never slower than the real node; a peer that starts dials us itself.
 * Without the backoff, a node in a 100-node mesh where most nodes do not run yet (an install)
 * spends its time opening refused sockets.
 */
const REDIAL_MS = 1000;
const REDIAL_MAX_MS = 8000;

/** Emits `peer` (PeerInfo) when a link is established, `message` (nodeId, Message) for traffic. */
export class P2pNetwork extends EventEmitter {
  private readonly links = new Set<Link>();
  private readonly established = new Map<string, Link>();
  /** Configured addresses that turned out to be this node. */
  private readonly selfAddresses = new Set<string>();
  /** Node ID found behind each dialled address, so a peer linked the other way is not dialled again. */
  private readonly addressOwners = new Map<string, string>();
  /**
   * Certificate chains already checked against our CA, by PEM text: a peer sends the same chain on
   * every link, and the SM2 checks are most of a handshake's cost (the CA cannot change while we run).
   */
  private readonly checkedChains = new Map<string, LoadedCertificate[] | undefined>();
  /** Address → when it may be dialled again and the wait after the next failure. */
  private readonly redial = new Map<string, { at: number; waitMs: number }>();
  private server?: Server;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: P2pOptions) {
    super();
  }

  async listen(): Promise<void> {
    const server = createServer((socket) => this.attach(socket, false));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.listenPort, this.options.listenIp, () => resolve());
    });
  }

  start(): void {
    this.dialAll();
    this.timer = setInterval(() => this.dialAll(), REDIAL_MS);
  }

  close(): void {
    clearInterval(this.timer);
    this.server?.close();
    for (const link of this.links) link.socket.destroy();
  }

  peers(): PeerInfo[] {
    return [...this.established.values()].map((link) => {
      const peer = link.peer!;
      return {
        nodeId: peer.nodeId,
        ipAndPort: `${link.socket.remoteAddress?.replace(/^::ffff:/, "")}:${peer.listenPort}`,
        agency: commonName(peer.leaf, "issuer"),
        node: commonName(peer.leaf, "subject"),
      };
    });
  }

  isConnected(nodeId: string): boolean {
    return this.established.has(nodeId);
  }

  send(nodeId: string, message: Message): void {
    const link = this.established.get(nodeId);
    if (link) link.socket.write(JSON.stringify(message) + "\n");
  }

  /**
   * A new whitelist (scripts/reload_whitelist.sh); live links outside it are dropped. The blacklist
   * is only read at startup, as in 2.11 (it takes a restart).
   */
  setWhitelist(whitelist: string[]): void {
    this.options.whitelist = whitelist;
    for (const link of this.established.values()) {
      const refusal = this.refusal(link.peer!.nodeId);
      if (refusal) this.drop(link, refusal);
    }
  }

  private dialAll(): void {
    const busy = new Set([...this.links].map((l) => l.address));
    const now = Date.now();
    for (const { host, port } of this.options.peers) {
      const address = `${host}:${port}`;
      if (busy.has(address) || this.selfAddresses.has(address)) continue;
      const owner = this.addressOwners.get(address);
      if (owner && this.established.has(owner)) continue;
      if ((this.redial.get(address)?.at ?? 0) > now) continue;
      const socket = new Socket();
      const link = this.attach(socket, true, address);
      socket.connect(port, host);
      socket.setTimeout(5000, () => this.drop(link, "connect timeout"));
    }
  }

  private attach(socket: Socket, outbound: boolean, address?: string): Link {
    const link: Link = { socket, outbound, address, nonce: randomBytes(16).toString("hex"), established: false };
    this.links.add(link);
    let buffered = "";
    socket.setNoDelay(true);
    socket.on("data", (chunk) => {
      buffered += chunk.toString("utf8");
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          this.receive(link, JSON.parse(line) as Message);
        } catch (e) {
          this.drop(link, `bad message: ${(e as Error).message}`);
          return;
        }
      }
    });
    socket.on("error", () => undefined); // a refused dial is routine; "close" follows
    socket.on("close", () => this.forget(link));
    const hello = { type: "hello", chain: this.options.identity.chainPem, nonce: link.nonce, listenPort: this.options.listenPort };
    const sendHello = () => socket.write(JSON.stringify(hello) + "\n");
    if (outbound) socket.once("connect", sendHello);
    else sendHello();
    return link;
  }

  private refusal(nodeId: string): string | undefined {
    if (this.options.blacklist.includes(nodeId)) return "peer is in the certificate blacklist";
    if (this.options.whitelist.length > 0 && !this.options.whitelist.includes(nodeId)) return "peer is not in the certificate whitelist";
    return undefined;
  }

  private proofData(nonce: string, nodeId: string): Buffer {
    return Buffer.from(`${nonce}:${nodeId}`, "utf8");
  }

  private receive(link: Link, message: Message): void {
    if (message.type === "hello") return this.onHello(link, message);
    if (message.type === "proof") return this.onProof(link, message);
    if (!link.established) throw new Error(`${message.type} before the handshake`);
    this.emit("message", link.peer!.nodeId, message);
  }

  private onHello(link: Link, message: Message): void {
    const pem = String(message.chain);
    if (!this.checkedChains.has(pem)) {
      const loaded = loadCertificates(pem);
      this.checkedChains.set(pem, chainsToCa(loaded, this.options.identity.ca) ? loaded : undefined);
    }
    const chain = this.checkedChains.get(pem);
    if (!chain) return this.drop(link, "peer certificate does not chain to our CA");
    const nodeId = certifiedNodeId(chain[0]);
    if (!nodeId) return this.drop(link, "peer certificate has no EC key");
    if (link.address) this.addressOwners.set(link.address, nodeId);
    if (nodeId === this.options.identity.nodeId) {
      if (link.address) this.selfAddresses.add(link.address);
      return this.drop(link, "connected to itself");
    }
    const refusal = this.refusal(nodeId);
    if (refusal) return this.drop(link, refusal);
    link.peer = { nodeId, leaf: chain[0], listenPort: Number(message.listenPort) };
    const signature = signWith(this.options.identity.key, this.proofData(String(message.nonce), this.options.identity.nodeId));
    link.socket.write(JSON.stringify({ type: "proof", signature: signature.toString("hex") }) + "\n");
  }

  private onProof(link: Link, message: Message): void {
    const peer = link.peer;
    if (!peer) return this.drop(link, "proof before hello");
    const algorithm = this.options.smCrypto ? OID.sm2WithSm3 : OID.ecdsaWithSha256;
    const data = this.proofData(link.nonce, peer.nodeId);
    const ok = verifyWith(algorithm, data, Buffer.from(String(message.signature), "hex"), peer.leaf.certificate.tbsCertificate.subjectPublicKeyInfo);
    if (!ok) return this.drop(link, "peer could not prove it holds its certified key");
    const existing = this.established.get(peer.nodeId);
    if (existing) {
      // Both sides dial each other; both keep the link dialled by the smaller node ID.
      const dialer = (l: Link) => (l.outbound ? this.options.identity.nodeId : peer.nodeId);
      const keepNew = dialer(link) < dialer(existing);
      this.drop(keepNew ? existing : link, "duplicate link");
      if (!keepNew) return;
    }
    link.established = true;
    link.socket.setTimeout(0);
    if (link.address) this.redial.delete(link.address);
    this.established.set(peer.nodeId, link);
    this.options.log.info("P2P", `connected to ${peer.nodeId.slice(0, 16)}… at ${link.socket.remoteAddress}:${link.socket.remotePort}`);
    if (!existing) this.emit("peer", peer.nodeId);
  }

  private drop(link: Link, reason: string): void {
    if (reason !== "duplicate link" && reason !== "connected to itself") {
      this.options.log.warn("P2P", `closing link${link.peer ? ` to ${link.peer.nodeId.slice(0, 16)}…` : ""}: ${reason}`);
    }
    link.socket.destroy();
    this.forget(link);
  }

  private forget(link: Link): void {
    if (!this.links.has(link)) return;
    this.links.delete(link);
    if (link.address && !link.established) {
      const waitMs = this.redial.get(link.address)?.waitMs ?? REDIAL_MS;
      this.redial.set(link.address, { at: Date.now() + waitMs, waitMs: Math.min(waitMs * 2, REDIAL_MAX_MS) });
    }
    const nodeId = link.peer?.nodeId;
    if (nodeId && this.established.get(nodeId) === link) {
      this.established.delete(nodeId);
      this.options.log.info("P2P", `disconnected from ${nodeId.slice(0, 16)}…`);
    }
  }
}
